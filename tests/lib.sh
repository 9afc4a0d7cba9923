# tests/lib.sh - start NSD and Unbound with typoguard on loopback, and TAP output, for the tests.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Sourced by the integration tests (tests/*.test). Every server it starts is stopped when the
# test exits, also on failure. Needs: tests/env.sh (from configure), nsd, dig, jq; perl with
# MaxMind::DB::Writer for the tests of the GeoIP databases.

set -u

# configure writes tests/env.sh in the build tree; tests run from its top.
. ./tests/env.sh
. "$abs_top_srcdir/tests/loopback.sh"

TG_MODULE="$abs_top_builddir/.libs/typoguard.so"
TG_TOOL="$abs_top_builddir/typoguard"
UNBOUND="$UNBOUND_DIR/unbound"
UNBOUND_CONTROL="$UNBOUND_DIR/unbound-control"
ZONES="$abs_top_srcdir/tests/zones"

tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/typoguard-test.XXXXXX")
pids=""
# file systems a test mounted, unmounted at the end
mounts=""

# How Unbound runs ("${ub_wrap[@]}" "$UNBOUND" ...): as it is; with the sanitizer runtime
# preloaded when the module was built with --enable-sanitizers (Unbound itself is not
# sanitized); or under valgrind memcheck when TG_VALGRIND is set (make check-valgrind).
# ub_slow scales the waits for a slowed Unbound.
ub_wrap=()
ub_slow=1
if [ -n "${TG_VALGRIND:-}" ] && [ "${TG_SANITIZERS:-no}" = yes ]; then
	echo "1..0 # SKIP valgrind cannot run a module built with --enable-sanitizers"
	exit 0
elif [ -n "${TG_VALGRIND:-}" ]; then
	[ -x "${VALGRIND:-}" ] || { echo "1..0 # SKIP TG_VALGRIND is set but configure found no valgrind"; exit 0; }
	ub_wrap=("$VALGRIND" --tool=memcheck --leak-check=full --show-leak-kinds=all
		--errors-for-leak-kinds=definite,indirect --num-callers=50 --keep-debuginfo=yes
		--fullpath-after= --log-file="$T/valgrind.%p.log")
	ub_slow=10
elif [ "${TG_SANITIZERS:-no}" = yes ]; then
	# detect_leaks: LeakSanitizer judges the whole process at exit, Unbound included
	ub_wrap=(env "LD_PRELOAD=$SANITIZER_PRELOAD"
		"ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=0"
		"UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
	ub_slow=2
fi
# wait_dns (tests/loopback.sh): ten seconds, scaled as Unbound is slowed
WAIT_TRIES=$((100 * ub_slow))

cleanup() {
	stop_pids
	for m in $mounts; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	if [ "$tap_failed" -ne 0 ] && [ -d "$T" ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "# --- $f (last lines)"
			tail -n 20 "$f" | sed 's/^/# /'
		done
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { # ok COND-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "# expected: '$2'"
		echo "#      got: '$1'"
	fi
}

skip() { # skip COUNT REASON: COUNT test cases that cannot run here, reported as skipped
	local i
	for i in $(seq 1 "$1"); do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP $2"
	done
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	memory_checks
	ecs_check
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# After the test: stop the Unbound still running, then judge what the sanitizers or valgrind
# said of every Unbound this test started: one test on the sanitizers' reports in Unbound's
# output, or one test per valgrind log. Nothing in a plain run.
memory_checks() {
	local f n
	[ "${#ub_wrap[@]}" -gt 0 ] && [ -f "$T/unbound.log" ] || return 0
	[ -n "${UB_PID:-}" ] && stop_unbound
	if [ -n "${TG_VALGRIND:-}" ]; then
		for f in "$T"/valgrind.*.log; do
			[ -f "$f" ] || continue
			n=$(basename "$f" .log | sed 's/^valgrind\./Unbound, pid /')
			python3 "$abs_top_srcdir/tests/valgrind-check" "$f" > "$T/vgcheck.out" 2>&1
			ok $? "valgrind: no memory errors and nothing of typoguard's left allocated ($n)"
			sed 's/^/# /' "$T/vgcheck.out"
		done
	else
		n=$(cat "$T"/unbound*.log 2>/dev/null |
			grep -c -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: [A-Za-z]*Sanitizer')
		[ "$n" -eq 0 ]
		ok $? "no AddressSanitizer, LeakSanitizer or UBSan report from the sanitized module in Unbound"
		[ "$n" -eq 0 ] || grep -h -A 30 -E 'ERROR: |runtime error:' "$T"/unbound*.log | head -n 80 | sed 's/^/# /'
	fi
}

# After the test: check every event file it wrote (regular files under $T whose name has
# "events" in it, rotated ones included) against Elastic's ECS schema, with
# tests/ecs-check.js: one TAP test, when there are any. Unbound is stopped first, so that
# every event is written. A file a test writes unlike an event on purpose is named otherwise.
ecs_check() {
	local files=()
	# not into a chroot's /proc or /sys, whose files are no events (a small tmpfs is searched)
	mapfile -d '' files < <(find "$T" \( -fstype proc -o -fstype sysfs \) -prune -o \
		-type f -name '*events*' -print0 2>/dev/null | sort -z)
	[ "${#files[@]}" -gt 0 ] || return 0
	if [ -z "${NODE:-}" ] || [ ! -f "${ECS_NODE_MODULES:-}/@elastic/ecs/package.json" ]; then
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP ECS check of the events: no node or no @elastic/ecs (scripts/setup installs them)"
		return 0
	fi
	[ -n "${UB_PID:-}" ] && stop_unbound
	local st
	"$NODE" "$abs_top_srcdir/tests/ecs-check.js" --schema "$ECS_NODE_MODULES" "${files[@]}" \
		> "$T/ecs-check.out" 2>&1
	st=$?
	ok $st "ECS: every field of every event as Elastic's schema defines it: $(tail -n 1 "$T/ecs-check.out")"
	[ "$st" -eq 0 ] || sed '$d; s/^/# /' "$T/ecs-check.out"
}

# Start NSD serving every zone in tests/zones on NSD_PORT.
start_nsd() {
	NSD_PORT=$(free_port)
	mkdir -p "$T/nsd"
	nsd_conf "$T/nsd" "$NSD_PORT" "  zonesdir: \"$ZONES\"
  verbosity: 1" "$ZONES"/*.zone > "$T/nsd.conf"
	"$NSD" -d -c "$T/nsd.conf" >>"$T/nsd/nsd.log" 2>&1 &
	pids="$pids $!"
	wait_dns "$NSD_PORT" test. || { echo "# NSD did not start"; return 1; }
}

# Write the Unbound configuration: unbound_conf THREADS [EXTRA-SERVER-LINES]
unbound_conf() {
	UB_PORT=$(free_port)
	UB_CTL=$(free_port)
	{
		echo "server:"
		echo "  interface: 127.0.0.1"
		echo "  port: $UB_PORT"
		echo "  num-threads: $1"
		echo "  do-daemonize: no"
		echo "  use-syslog: no"
		echo "  logfile: \"$T/unbound.log\""
		echo "  log-time-ascii: yes"
		echo "  username: \"\""
		echo "  chroot: \"\""
		echo "  directory: \"$T\""
		echo "  pidfile: \"$T/unbound.pid\""
		echo "  module-config: \"dynlib validator iterator\""
		echo "  do-not-query-localhost: no"
		echo "  access-control: 127.0.0.0/8 allow"
		echo "  ede: yes"
		echo "  extended-statistics: yes"
		echo "  local-zone: \"test.\" nodefault"
		echo "  verbosity: 1"
		[ $# -gt 1 ] && printf '%s\n' "$2"
		echo "dynlib:"
		echo "  dynlib-file: \"$TG_MODULE\""
		echo "remote-control:"
		echo "  control-enable: yes"
		echo "  control-interface: 127.0.0.1"
		echo "  control-port: $UB_CTL"
		echo "  control-use-cert: no"
		for z in "$ZONES"/*.zone; do
			n=$(basename "$z" .zone)
			[ "$n" = corp.test ] && continue
			echo "stub-zone:"
			echo "  name: \"$n\""
			echo "  stub-addr: 127.0.0.1@$NSD_PORT"
		done
		# a zone whose nameserver's name is itself a typo: Unbound resolves it for itself
		echo "stub-zone:"
		echo "  name: \"corp.test\""
		echo "  stub-host: \"ns.army.ml@$NSD_PORT\""
	} > "$T/unbound.conf"
}

# Write typoguard's settings: tg_conf POLICY-FILE...; the event file is $TG_EVENTS if set,
# else $T/events.json. Lines in TG_SETTINGS, if set, are added to the clause. Metric events
# are off (stats-interval: 0) unless TG_SETTINGS sets stats-interval: the tests count the
# lines of the event file as events.
tg_conf() {
	EVENTS="${TG_EVENTS:-$T/events.json}"
	{
		echo "typoguard:"
		for f in "$@"; do
			echo "  policy-file: \"$f\""
		done
		echo "  log-file: \"$EVENTS\""
		case "${TG_SETTINGS:-}" in
		*stats-interval:*) ;;
		*) echo "  stats-interval: 0" ;;
		esac
		[ -n "${TG_SETTINGS:-}" ] && printf '%s\n' "$TG_SETTINGS"
	} > "$T/typoguard.conf"
	chmod 0644 "$T/typoguard.conf"
	export TYPOGUARD_CONF="$T/typoguard.conf"
}

# Whether MaxMind's database writer is there to build test databases.
have_mmdb_writer() {
	[ -n "${PERL:-}" ] && "$PERL" -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null
}

# Build a test database with MaxMind's writer from a spec in tests/geo:
# make_mmdb [--ipv4] DATABASE-TYPE SPEC.json OUT.mmdb
make_mmdb() {
	"$PERL" "$abs_top_srcdir/tests/geo/mkmmdb.pl" "$@"
}

# Put a file at a path as geoipupdate does: a new file beside it, renamed over it.
# replace_file FROM TO
replace_file() {
	cp "$1" "$2.new" && mv -f "$2.new" "$2"
}

# Microseconds since the epoch: now_us
now_us() {
	echo "${EPOCHREALTIME//[.,]/}"
}

# Wait until a command succeeds, trying it every 0.05 s for at most SECONDS, scaled as Unbound
# is slowed; the command may be a shell function: wait_until SECONDS COMMAND [ARG...]
wait_until() {
	local end=$(( $(now_us) + $1 * 1000000 * ub_slow ))
	shift
	until "$@"; do
		[ "$(now_us)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# Wait until a file has a line matching a pattern: wait_file FILE PATTERN [SECONDS]
wait_file() {
	wait_until "${3:-10}" grep -q -- "$2" "$1" 2>/dev/null
}

# Wait until Unbound's log has a line matching a pattern: wait_log PATTERN [SECONDS]
wait_log() {
	wait_file "$T/unbound.log" "$1" "${2:-10}"
}

# Start Unbound with the configuration written by unbound_conf.
start_unbound() {
	: > "$T/unbound.log"
	"${ub_wrap[@]}" "$UNBOUND" -d -c "$T/unbound.conf" >>"$T/unbound.log" 2>&1 &
	UB_PID=$!
	pids="$pids $UB_PID"
	wait_dns "$UB_PORT" test. || { echo "# Unbound did not start"; return 1; }
}

# Stop Unbound and wait for it to exit; UB_STATUS is its exit status: stop_unbound
stop_unbound() {
	kill -TERM "$UB_PID" 2>/dev/null
	wait "$UB_PID" 2>/dev/null
	UB_STATUS=$?
	UB_PID=
}

# Ask Unbound: q NAME TYPE [DIG-OPTIONS...]; prints dig's output.
q() {
	local name=$1 type=$2
	shift 2
	"$DIG" +time=5 +tries=1 @127.0.0.1 -p "$UB_PORT" "$name" "$type" "$@"
}

# The rcode of an answer: rcode NAME TYPE [DIG-OPTIONS...]
rcode() {
	q "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# Whether a name gets an rcode: rcode_is NAME TYPE RCODE
rcode_is() {
	[ "$(rcode "$1" "$2")" = "$3" ]
}

# Wait until a name gets an rcode: wait_rcode NAME TYPE RCODE [SECONDS]
wait_rcode() {
	wait_until "${4:-10}" rcode_is "$1" "$2" "$3"
}

# Whether the event file has at least N events of an action: has_actions ACTION N
has_actions() {
	[ "$(jq -c --arg a "$1" 'select(.event.action == $a)' "$EVENTS" 2>/dev/null | wc -l)" -ge "$2" ]
}

# Wait until the event file has N events of an action: wait_audit ACTION N [SECONDS]
wait_audit() {
	wait_until "${3:-10}" has_actions "$1" "$2"
}

# Number of events in the event file for a question name (case-insensitive): events_for NAME
events_for() {
	[ -f "$EVENTS" ] || { echo 0; return; }
	jq -c --arg n "$1" 'select((.dns.question.name | ascii_downcase) == ($n | ascii_downcase))' \
		"$EVENTS" | wc -l
}

# Whether a file holds N lines: lines_at_least FILE N
lines_at_least() {
	[ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]
}

# Whether the event file holds N lines: has_events N
has_events() {
	lines_at_least "$EVENTS" "$1"
}

# Whether the event file has at least N events for a question name: has_name_events NAME N
has_name_events() {
	[ "$(events_for "$1")" -ge "$2" ]
}

# Wait until the event file has N events for a question name: wait_name_events NAME N [SECONDS]
wait_name_events() {
	wait_until "${3:-5}" has_name_events "$1" "$2"
}

# Wait until the event file holds N lines: wait_events N
wait_events() {
	wait_until 10 has_events "$1"
}

# Marker lookups asked so far by settle_events
settled=0

# Wait until the event of every lookup answered so far is in the event file. An event is queued
# before its answer is sent, and the writer writes in the order of its queue: once the event of
# a lookup asked now is in the file, so is every earlier one. That marker lookup,
# tg-settle-N.army.ml A (a typo of army.mil in tests/policy.zone), makes one event of its own,
# which events_total leaves out: settle_events
settle_events() {
	settled=$((settled + 1))
	q "tg-settle-$settled.army.ml" A > /dev/null
	wait_file "$EVENTS" "\"tg-settle-$settled\.army\.ml\"" 20 && return 0
	echo "# the event of the marker lookup tg-settle-$settled.army.ml did not come"
	return 1
}

# Wait until Unbound has no lookup in progress, background ones included (its request list is
# empty): wait_idle
wait_idle() {
	wait_until 15 ub_idle && return 0
	echo "# Unbound still has $(ub_lookups) lookups in progress"
	return 1
}

# Lookups in progress in Unbound, background ones included: ub_lookups
ub_lookups() {
	local n
	n=$("$UNBOUND_CONTROL" -c "$T/unbound.conf" stats_noreset 2>/dev/null |
		sed -n 's/^total\.requestlist\.current\.all=//p')
	echo "${n:-?}"
}

# Whether Unbound has no lookup in progress: ub_idle
ub_idle() {
	[ "$(ub_lookups)" = 0 ]
}

# Bytes waiting unread on a process's UDP sockets: udp_unread PID
udp_unread() {
	ss -H -u -a -n -p 2>/dev/null | awk -v p="pid=$1," 'index($0, p) { n += $2 } END { print n + 0 }'
}

# Whether a process has read everything its UDP sockets got: udp_read_all PID
udp_read_all() {
	[ "$(udp_unread "$1")" = 0 ]
}

# Wait until a process has read every datagram its UDP sockets got, e.g. dnsperf once the
# Unbound it sends to has stopped: with the sender gone nothing more arrives, so an empty
# receive queue means every answer was read: wait_read PID
wait_read() {
	wait_until 10 udp_read_all "$1" && return 0
	echo "# process $1 has $(udp_unread "$1") bytes unread on its UDP sockets"
	return 1
}

# Lines in the event file, the markers of settle_events left out: events_total
events_total() {
	[ -f "$EVENTS" ] || { echo 0; return; }
	grep -vc '"tg-settle-[0-9]*\.army\.ml"' "$EVENTS"
}

# The last event for a name, as compact JSON: last_event NAME
last_event() {
	jq -c --arg n "$1" 'select((.dns.question.name | ascii_downcase) == ($n | ascii_downcase))' \
		"$EVENTS" | tail -n 1
}

# Send the queries of a file with dnsperf in the background, every response reported (-v):
# load_start NAME FILE [DNSPERF-OPTIONS...]; the output goes to $T/NAME.dnsperf.
load_start() {
	local name=$1 file=$2
	shift 2
	dnsperf -s 127.0.0.1 -p "$UB_PORT" -d "$file" -v "$@" > "$T/$name.dnsperf" 2>&1 &
	LOAD_PID=$!
}

# Wait for the dnsperf started by load_start: load_wait
load_wait() {
	wait "$LOAD_PID"
}

# Responses dnsperf got for names matching an extended regular expression (timeouts are
# "> T name"): responses NAME REGEX
responses() {
	grep -c -E "^> [A-Z]{2,} ($2) " "$T/$1.dnsperf"
}

# The unprivileged user the privilege tests run Unbound as (username:); created if missing.
TG_USER=typoguard-test

# Make sure TG_USER exists (needs root): ensure_test_user
ensure_test_user() {
	id "$TG_USER" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		--user-group "$TG_USER" >/dev/null 2>&1
}

# Prepare $T for an Unbound that drops to TG_USER: the test directory traversable, the
# module and the test policy copied where that user can read them (the build tree may be in
# a private home), the log file Unbound reopens after the switch owned by it: as_user_setup
as_user_setup() {
	chmod 0711 "$T"
	mkdir -p "$T/lib"
	cp "$TG_MODULE" "$T/lib/typoguard.so"
	chmod 0755 "$T/lib" "$T/lib/typoguard.so"
	TG_MODULE="$T/lib/typoguard.so"
	cp "$abs_top_srcdir/tests/policy.zone" "$T/policy.zone"
	chmod 0644 "$T/policy.zone"
	: > "$T/unbound.log"
	chown "$TG_USER" "$T/unbound.log"
}
