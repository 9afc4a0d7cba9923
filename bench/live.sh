#!/bin/bash
# bench/live.sh - the live policy: a policy file change to effect, a NOTIFY to effect, and
# swapping a 1,000,000-name policy under ordinary traffic at half of Unbound's capacity.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# - file: a small policy file replaced by a rename (as an editor or a deployment tool does);
#   time from the rename to the first answer that shows the new policy (bench/effect.py asks
#   every millisecond from one process: starting a dig per query costs more than that).
# - notify: NSD as the primary of a policy zone, notify: to Unbound; time from NSD's reload
#   (SIGHUP) to the first answer that shows the new serial, end to end; and from Unbound
#   having the transfer (its zonefile: copy written, right after the transfer is applied) to
#   that answer.
# - swap: 1,000,000 protected names; dnsperf first finds what Unbound answers at most (cached
#   ordinary names), then sends half of that, and dnsperf's per-query latencies (-v) give the
#   99th percentile over a window before the swap and over the window of the swap itself (from
#   the file's rename to the new version's log line, and a second after).
. "$(dirname "$0")/lib.sh"

NAMES=${BENCH_LIVE_NAMES:-1000000}
REPEAT=${BENCH_LIVE_REPEAT:-10}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

EFFECT="python3 $abs_top_srcdir/bench/effect.py"

# Wait until NAME TYPE gets RCODE from Unbound NAME-OF-UNBOUND: effect UB NAME TYPE RCODE
effect() {
	local port i
	eval "port=\$${1}_PORT"
	for i in $(seq 1 600); do
		"$DIG" +time=1 +tries=1 @127.0.0.1 -p "$port" "$2" "$3" 2>/dev/null |
			grep -q "status: $4," && return 0
		sleep 0.1
	done
	return 1
}

# A small policy: small_policy SERIAL EXTRA-RECORD
small_policy() {
	printf '$ORIGIN policy.typoguard.test.\n$TTL 300\n@ SOA ns.test. hm.test. %s 3600 600 86400 300\n@ NS ns.test.\narmy.mil.protect TXT "action=nxdomain"\n%s\n' "$1" "$2"
}

make_zones
start_nsd

# --- file: a rename to effect
ub_conf file "dynlib validator iterator"
small_policy 1 "" > "$W/file.zone"
tg_conf file "$W/file.zone"
echo "  policy-check-interval: 5" >> "$W/file/typoguard.conf"
start_ub file
: > "$W/file.ms"
for i in $(seq 1 "$REPEAT"); do
	# every other round the name contoso.com is protected (nxdomain), then not
	if [ $((i % 2)) -eq 1 ]; then
		small_policy "$((i + 1))" 'contoso.com.protect TXT "action=nxdomain"' > "$W/file.new"
		want=NXDOMAIN
	else
		small_policy "$((i + 1))" "" > "$W/file.new"
		want=NOERROR
	fi
	$EFFECT "$file_PORT" contso.com A "$want" rename "$W/file.new" "$W/file.zone" |
		awk '{ print $1 }' >> "$W/file.ms"
done
say "file: rename to effect, ms: $(tr '\n' ' ' < "$W/file.ms")"
result live "policy file renamed to effect (median of $REPEAT)" "$(median < "$W/file.ms")" ms \
	"max $(sort -n "$W/file.ms" | tail -n 1) ms; inotify, policy-check-interval 5"
stop_ub file

# --- notify: NSD primary, NOTIFY, transfer, effect
PZ=policy.typoguard.test
mkdir -p "$W/primary"
small_policy 1 "" > "$W/primary/$PZ.zone"
PRIMARY_PORT=$(free_port)
ub_conf notify "dynlib validator iterator" "  local-zone: \"$PZ.\" refuse"
{
	nsd_conf "$W/primary" "$PRIMARY_PORT" "  verbosity: 0"
	echo "zone:"
	echo "  name: \"$PZ\""
	echo "  zonefile: \"$W/primary/$PZ.zone\""
	echo "  notify: 127.0.0.1@$notify_PORT NOKEY"
	echo "  provide-xfr: 127.0.0.0/8 NOKEY"
} > "$W/primary.conf"
$ON_CLIENT "$NSD" -d -c "$W/primary.conf" >>"$W/primary/nsd.log" 2>&1 &
PRIMARY_PID=$!
pids="$pids $PRIMARY_PID"
wait_dns "$PRIMARY_PORT" "$PZ." || { say "the primary did not start"; exit 1; }
{
	echo "auth-zone:"
	echo "  name: \"$PZ\""
	echo "  primary: 127.0.0.1@$PRIMARY_PORT"
	echo "  allow-notify: 127.0.0.1"
	echo "  zonefile: \"$W/notify/$PZ.copy\""
	echo "  for-downstream: no"
	echo "  for-upstream: no"
	echo "  fallback-enabled: no"
} >> "$W/notify/unbound.conf"
{
	echo "typoguard:"
	echo "  policy-zone: \"$PZ\""
	echo "  log-file: \"$W/notify/events.json\""
} > "$W/notify/typoguard.conf"
start_ub notify
effect notify army.ml MX NXDOMAIN > /dev/null
: > "$W/notify.e2e"
: > "$W/notify.after"
for i in $(seq 1 "$REPEAT"); do
	serial=$((i + 1))
	if [ $((i % 2)) -eq 1 ]; then
		small_policy "$serial" 'contoso.com.protect TXT "action=nxdomain"' > "$W/primary/$PZ.zone"
		want=NXDOMAIN
	else
		small_policy "$serial" "" > "$W/primary/$PZ.zone"
		want=NOERROR
	fi
	# the copy is written right after Unbound applied the transfer
	out=$($EFFECT "$notify_PORT" contso.com A "$want" hup "$PRIMARY_PID" \
		--seen "$W/notify/$PZ.copy" "hm.test. $serial 3600 600")
	set -- $out
	[ "$1" != - ] || { say "notify: serial $serial never took effect"; exit 1; }
	echo "$1" >> "$W/notify.e2e"
	[ "$2" != - ] && echo $(($1 - $2)) >> "$W/notify.after"
done
say "notify: reload to effect, ms: $(tr '\n' ' ' < "$W/notify.e2e")"
say "notify: transfer to effect, ms: $(tr '\n' ' ' < "$W/notify.after")"
result live "NOTIFY: primary reloaded to effect, end to end (median)" \
	"$(median < "$W/notify.e2e")" ms "max $(sort -n "$W/notify.e2e" | tail -n 1) ms; target <= 5000"
result live "NOTIFY: transfer applied to effect (median)" \
	"$(median < "$W/notify.after")" ms "max $(sort -n "$W/notify.after" | tail -n 1) ms; target <= 2000"
stop_ub notify
kill "$PRIMARY_PID" 2>/dev/null

# --- swap: a million names under half-capacity ordinary load
"$BENCH_MATCH" zone "$NAMES" > "$W/big.zone"
sed '3s/ 1 3600 / 2 3600 /' "$W/big.zone" > "$W/big2.zone"
echo 'contoso.com.protect TXT "action=nxdomain"' >> "$W/big2.zone"
ordinary_queries "$W/big.zone" 6000 ordinary "$W/all.txt"
head -n 5000 "$W/all.txt" > "$W/cached.txt"
ub_conf swap "dynlib validator iterator"
cp "$W/big.zone" "$W/swap/policy.zone"
tg_conf swap "$W/swap/policy.zone"
start_ub swap
warm_up swap
cap=$(perf_run "$swap_PORT" "$W/cached.txt" "$SECONDS_RUN" | awk '{ printf "%d", $1 }')
half=$((cap / 2))
say "swap: capacity $cap queries/s on cached ordinary names; half: $half"
# p99 of dnsperf -v latencies (last field of "> RCODE name type latency" lines), ms
p99() {
	awk '/^> [A-Z]+ / { print $NF * 1000 }' "$1" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int(NR * 0.99 + 0.5)] }'
}
fails() {
	grep -c -E '^> (T|SERVFAIL|REFUSED|FORMERR) ' "$1"
}
secs=$((SECONDS_RUN + 2))
$ON_CLIENT dnsperf -s 127.0.0.1 -p "$swap_PORT" -d "$W/cached.txt" -l "$secs" -c 8 -q 200 \
	-t 2 -Q "$half" -v > "$W/before.dnsperf" 2>&1
# the swap's window: dnsperf runs, the file is renamed after a second, dnsperf runs on until
# the new version is in force and a second more
$ON_CLIENT dnsperf -s 127.0.0.1 -p "$swap_PORT" -d "$W/cached.txt" -l 120 -c 8 -q 200 \
	-t 2 -Q "$half" -v > "$W/during.dnsperf" 2>&1 &
dp=$!
sleep 1
cp "$W/big2.zone" "$W/swap/policy.new"
took=$($EFFECT "$swap_PORT" contso.com A NXDOMAIN rename "$W/swap/policy.new" \
	"$W/swap/policy.zone" | awk '{ print $1 }')
sleep 1
kill -INT "$dp"
wait "$dp"
say "swap: before: $(grep -E 'Queries (completed|lost)|Average Latency' "$W/before.dnsperf" | tr -s ' ' | tr '\n' ';')"
say "swap: during: $(grep -E 'Queries (completed|lost)|Average Latency' "$W/during.dnsperf" | tr -s ' ' | tr '\n' ';')"
b=$(p99 "$W/before.dnsperf")
d=$(p99 "$W/during.dnsperf")
result live "swap $NAMES names: rename to new version in force" "$took" ms \
	"load and swap, in a thread under SCHED_IDLE"
result live "swap $NAMES names: ordinary load sent" "$half" qps "half of $cap, cached names"
result live "swap $NAMES names: p99 latency before the swap" "$b" ms
result live "swap $NAMES names: p99 latency during the swap" "$d" ms
result live "swap $NAMES names: p99 during / before" \
	"$(awk -v b="$b" -v d="$d" 'BEGIN { printf "%.2f", (b > 0 ? d / b : 0) }')" "" "target <= 2"
result live "swap $NAMES names: queries failed or timed out, before / during" \
	"$(fails "$W/before.dnsperf")/$(fails "$W/during.dnsperf")" "" "target 0/0"
result live "swap $NAMES names: peak resident memory of Unbound" \
	"$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$swap_PID/status")" MiB \
	"now $(( $(rss_kb "$swap_PID") / 1024 )) MiB; one version is about half"
