# tests/loopback.sh - DNS servers on loopback for the tests and the benchmarks.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Sourced by tests/lib.sh and bench/lib.sh. wait_dns needs DIG (dig) and takes WAIT_TRIES
# tries by default, one every 0.1 s; stop_pids stops the processes listed in pids.

# Stop every process in $pids and wait until each has exited.
stop_pids() {
	local p
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
}

# Whether a UDP socket is bound to a port, or a TCP socket listens on it, on any address
# (the kernel's tables: ss needs sock_diag, which some containers lack): port_in_use PORT
port_in_use() {
	awk -v p="$(printf '%04X' "$1")" 'FNR > 1 {
		n = split($2, a, ":")
		if (a[n] == p && (FILENAME ~ /udp/ || $4 == "0A")) found = 1
	} END { exit !found }' /proc/net/udp /proc/net/udp6 /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# A free TCP and UDP port on 127.0.0.1.
free_port() {
	local p
	while :; do
		p=$(( (RANDOM << 1 ^ RANDOM) % 30000 + 20000 ))
		if ! port_in_use "$p"; then
			echo "$p"
			return
		fi
	done
}

# Wait until a server answers a query on a port: wait_dns PORT NAME [TRIES]
wait_dns() {
	local i
	for i in $(seq 1 "${3:-${WAIT_TRIES:-100}}"); do
		if "$DIG" +time=1 +tries=1 @127.0.0.1 -p "$1" "$2" SOA >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# Print an NSD configuration: one zone for each file NAME.zone (root.zone for the root),
# state and log in DIR, on 127.0.0.1@PORT, in the foreground as the user who starts it.
# nsd_conf DIR PORT EXTRA-SERVER-LINES ZONE-FILE...
nsd_conf() {
	local dir=$1 port=$2 extra=$3 z n
	shift 3
	echo "server:"
	echo "  ip-address: 127.0.0.1@$port"
	echo "  port: $port"
	echo "  database: \"\""
	echo "  zonelistfile: \"$dir/zone.list\""
	echo "  xfrdfile: \"$dir/xfrd.state\""
	echo "  xfrdir: \"$dir\""
	echo "  pidfile: \"$dir/nsd.pid\""
	echo "  logfile: \"$dir/nsd.log\""
	echo "  username: \"\""
	echo "  chroot: \"\""
	echo "  server-count: 1"
	[ -n "$extra" ] && printf '%s\n' "$extra"
	echo "remote-control:"
	echo "  control-enable: no"
	for z in "$@"; do
		n=$(basename "$z" .zone)
		[ "$n" = root ] && n=.
		echo "zone:"
		echo "  name: \"$n\""
		echo "  zonefile: \"$z\""
	done
}
