# bench/lib.sh - start NSD and Unbound on loopback for the benchmarks, run dnsperf, take medians.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Sourced by the bench/*.sh scripts, which bench/run.sh runs. Needs, in the environment (make
# bench sets them): abs_top_builddir, abs_top_srcdir, UNBOUND_DIR, NSD. Every server started
# here is stopped when the script exits, also on failure.

set -u

TG_MODULE="$abs_top_builddir/.libs/typoguard.so"
TG_TOOL="$abs_top_builddir/typoguard"
BENCH_MATCH="$abs_top_builddir/bench/bench_match"
BENCH_LOAD="$abs_top_builddir/bench/bench_load"
UNBOUND="$UNBOUND_DIR/unbound"
UNBOUND_CONTROL="$UNBOUND_DIR/unbound-control"
NSD=${NSD:-nsd}
DIG=${DIG:-dig}
# pairs of interleaved runs each comparison takes the median of
PAIRS=${BENCH_PAIRS:-5}
# seconds of one dnsperf run
SECONDS_RUN=${BENCH_SECONDS:-8}
# the results file, one line per figure
RESULTS=${BENCH_RESULTS:-$abs_top_builddir/bench-results.txt}

. "$abs_top_srcdir/tests/loopback.sh"
# wait_dns: a minute at most
WAIT_TRIES=600

W=$(mktemp -d "${TMPDIR:-/tmp}/typoguard-bench.XXXXXX")
pids=""

bench_cleanup() {
	stop_pids
	rm -rf "$W"
}
trap bench_cleanup EXIT
trap 'exit 1' INT TERM

# Unbound on one core, the load generators and NSD on the other, when there are two.
if [ "$(nproc)" -ge 2 ]; then
	ON_SERVER="taskset -c 1"
	ON_CLIENT="taskset -c 0"
else
	ON_SERVER=""
	ON_CLIENT=""
fi

say() {
	echo "# $*" >&2
}

# Record one figure: result SECTION WHAT VALUE [UNIT [NOTE]]; printed and kept in $RESULTS.
result() {
	printf '%-9s %-58s %12s %-8s %s\n' "$1" "$2" "$3" "${4:-}" "${5:-}" | tee -a "$RESULTS"
}

# The median of numbers, one per line on standard input.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
		else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Zones NSD serves for the benchmarks: each TLD the generated names use, with a wildcard, so
# that any name under it resolves in one step and every new name misses Unbound's cache; and
# the root, with a wildcard too, so that a name under any other TLD (a typo of one) resolves
# as well and no query ever leaves the machine.
make_zones() {
	local tld
	mkdir -p "$W/zones"
	for tld in root com net org io uk de mil; do
		{
			[ "$tld" = root ] && echo "\$ORIGIN ." || echo "\$ORIGIN $tld."
			echo "\$TTL 86400"
			echo "@ SOA ns hostmaster 1 3600 600 86400 3600"
			echo "@ NS ns"
			echo "ns A 127.0.0.1"
			echo "* A 192.0.2.1"
			echo "* AAAA 2001:db8::1"
			echo "* MX 10 mx.example.net."
		} > "$W/zones/$tld.zone"
	done
}

# Start NSD on NSD_PORT, serving the zones of make_zones.
start_nsd() {
	NSD_PORT=$(free_port)
	mkdir -p "$W/nsd"
	# response rate limiting would throttle Unbound, our only client
	nsd_conf "$W/nsd" "$NSD_PORT" "  verbosity: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0" "$W"/zones/*.zone > "$W/nsd.conf"
	$ON_CLIENT "$NSD" -d -c "$W/nsd.conf" >>"$W/nsd/nsd.log" 2>&1 &
	pids="$pids $!"
	wait_dns "$NSD_PORT" com. || { say "NSD did not start"; cat "$W/nsd/nsd.log" >&2; exit 1; }
}

# Write an Unbound configuration: ub_conf NAME MODULES [EXTRA-SERVER-LINES [EXTRA-CLAUSES]]
# Sets <NAME>_PORT, <NAME>_CTL and <NAME>_CONF. MODULES is the module-config; with "dynlib"
# in it the typoguard module is loaded.
ub_conf() {
	local name=$1 modules=$2 port ctl tld
	port=$(free_port)
	ctl=$(free_port)
	mkdir -p "$W/$name"
	{
		echo "server:"
		echo "  interface: 127.0.0.1"
		echo "  port: $port"
		echo "  num-threads: 1"
		echo "  do-daemonize: no"
		echo "  use-syslog: no"
		echo "  logfile: \"$W/$name/unbound.log\""
		echo "  username: \"\""
		echo "  chroot: \"\""
		echo "  directory: \"$W/$name\""
		echo "  pidfile: \"$W/$name/unbound.pid\""
		echo "  module-config: \"$modules\""
		echo "  do-not-query-localhost: no"
		echo "  access-control: 127.0.0.0/8 allow"
		echo "  extended-statistics: yes"
		echo "  verbosity: 0"
		echo "  so-rcvbuf: 4m"
		echo "  so-sndbuf: 4m"
		echo "  msg-cache-size: 64m"
		echo "  rrset-cache-size: 128m"
		echo "  outgoing-range: 4096"
		echo "  num-queries-per-thread: 4096"
		echo "  ede: yes"
		[ $# -gt 2 ] && printf '%s\n' "$3"
		case " $modules " in
		*" dynlib "*)
			echo "dynlib:"
			echo "  dynlib-file: \"$TG_MODULE\"";;
		esac
		echo "remote-control:"
		echo "  control-enable: yes"
		echo "  control-interface: 127.0.0.1"
		echo "  control-port: $ctl"
		echo "  control-use-cert: no"
		for tld in . com net org io uk de mil; do
			echo "stub-zone:"
			echo "  name: \"$tld\""
			echo "  stub-addr: 127.0.0.1@$NSD_PORT"
		done
		[ $# -gt 3 ] && printf '%s\n' "$4"
	} > "$W/$name/unbound.conf"
	eval "${name}_PORT=$port ${name}_CTL=$ctl ${name}_CONF=\$W/\$name/unbound.conf"
}

# typoguard's settings for an Unbound: tg_conf NAME POLICY-FILE... (events to NAME/events.json)
tg_conf() {
	local name=$1 f
	shift
	{
		echo "typoguard:"
		for f in "$@"; do
			echo "  policy-file: \"$f\""
		done
		echo "  log-file: \"$W/$name/events.json\""
		# the runs count event lines: no metric events among them
		echo "  stats-interval: 0"
	} > "$W/$name/typoguard.conf"
}

# Start the Unbound of ub_conf NAME, wait until it answers; sets <NAME>_PID and
# <NAME>_STARTUP (seconds from exec to the first answer).
start_ub() {
	local name=$1 port conf t0 t1 pid
	eval "port=\$${name}_PORT conf=\$${name}_CONF"
	t0=$(date +%s.%N)
	TYPOGUARD_CONF="$W/$name/typoguard.conf" $ON_SERVER "$UNBOUND" -d -c "$conf" \
		>>"$W/$name/unbound.log" 2>&1 &
	pid=$!
	pids="$pids $pid"
	if ! wait_dns "$port" com. 3000; then
		say "Unbound $name did not start"
		tail -n 20 "$W/$name/unbound.log" >&2
		exit 1
	fi
	t1=$(date +%s.%N)
	eval "${name}_PID=$pid ${name}_STARTUP=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
}

# Fill the caches of the Unbound of start_ub NAME... with the names of $W/cached.txt.
warm_up() {
	local n port
	for n in "$@"; do
		eval "port=\$${n}_PORT"
		perf_run "$port" "$W/cached.txt" 30 -n 2 >/dev/null
	done
}

# Stop the Unbound of start_ub NAME.
stop_ub() {
	local pid
	eval "pid=\$${1}_PID"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# CPU clock ticks (user + system) a process has used so far: cpu_ticks PID
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# Resident memory of a process in KiB: rss_kb PID
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# Run dnsperf against a port: perf_run PORT FILE SECONDS [DNSPERF-OPTIONS...]
# Prints "qps completed lost average-latency-ms".
perf_run() {
	local port=$1 file=$2 secs=$3
	shift 3
	$ON_CLIENT dnsperf -s 127.0.0.1 -p "$port" -d "$file" -l "$secs" -c 8 -q 200 -t 2 "$@" \
		2>&1 | awk '
		/Queries completed:/ { c = $3 }
		/Queries lost:/ { l = $3 }
		/Queries per second:/ { q = $4 }
		/Average Latency/ { for(i = 1; i <= NF; i++) if($i ~ /^[0-9.]+$/) { a = $i * 1000; break } }
		END { printf "%s %s %s %.3f\n", q + 0, c + 0, l + 0, a + 0 }'
}

# One measured run against an Unbound: measure NAME FILE [DNSPERF-OPTIONS...]
# Prints "qps completed lost cpu-us-per-query", the CPU time of the Unbound process.
measure() {
	local name=$1 file=$2 pid port t0 t1 out
	shift 2
	eval "pid=\$${name}_PID port=\$${name}_PORT"
	t0=$(cpu_ticks "$pid")
	out=$(perf_run "$port" "$file" "$SECONDS_RUN" "$@")
	t1=$(cpu_ticks "$pid")
	echo "$out" | awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" \
		'{ printf "%s %s %s %.2f\n", $1, $2, $3, ($2 > 0 ? t * 1e6 / hz / $2 : 0) }'
}

# Ordinary query names that a policy does not flag, for dnsperf ("name type" lines, mostly A,
# some AAAA and MX): ordinary_queries POLICY COUNT KIND OUT
ordinary_queries() {
	"$BENCH_MATCH" names "$2" "$3" | "$TG_TOOL" check --policy "$1" |
		grep -v '"verdict":"typo"' | sed 's/^{"name":"\([^"]*\)".*/\1/' |
		awk '{ t = (NR % 10 < 7) ? "A" : (NR % 10 < 9) ? "AAAA" : "MX"; print $1, t }' > "$4"
}

# Names that miss every cache: a new first label on each of a list of names, checked
# against the policy too: unique_queries POLICY LIST COUNT TAG OUT
unique_queries() {
	awk -v n="$3" -v tag="$4" '{ name[NR] = $1; type[NR] = $2 }
		END { for(i = 0; i < n; i++) { k = i % NR + 1;
			print "u" tag "-" i "." name[k] } }' "$2" |
		"$TG_TOOL" check --policy "$1" | grep -v '"verdict":"typo"' |
		sed 's/^{"name":"\([^"]*\)".*/\1 A/' > "$5"
}
