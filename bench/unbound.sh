#!/bin/bash
# bench/unbound.sh - ordinary traffic through Unbound, with and without typoguard: queries per second and CPU per query.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Two Unbound processes of the same binary, one core each in turn, NSD behind both on stub
# zones: "plain" (module-config "validator iterator") and "typoguard" ("dynlib validator
# iterator", 10,000 protected names). dnsperf sends ordinary names, none of them flagged, to
# one then the other, in interleaved pairs (the order swapped every pair):
# - cached: 5,000 names asked again and again, answered from the message cache; the only
#   typoguard code on that path is the reply-from-cache callback;
# - resolved: every name new (a fresh first label), so every query misses the cache and is
#   resolved from NSD: the module's operate() and the matcher run for each.
# The figure is the median over the pairs of the ratio typoguard/plain. CPU per query is
# the Unbound process's user + system time over the queries it answered. Then perf samples
# the typoguard Unbound during a cached run: the share of its time spent in the module.
# BENCH_UB_LOOKALIKES=no gives every protected name lookalikes=no (no skeleton in the index,
# no lookalike check), for the cost of lookalikes: the ratio of one run against the other's.
# BENCH_UB_ACTION=nxdomain gives every protected name that action instead of log (the
# traffic is the same, none of it flagged; the upstream answer callback then matches every
# answer's names, which it skips for a policy that only logs).
. "$(dirname "$0")/lib.sh"

NAMES=${BENCH_UB_NAMES:-10000}
LOOKALIKES=${BENCH_UB_LOOKALIKES:-yes}
ACTION=${BENCH_UB_ACTION:-log}

make_zones
start_nsd
"$BENCH_MATCH" zone "$NAMES" > "$W/policy.zone"
ordinary_queries "$W/policy.zone" 6000 ordinary "$W/all.txt"
head -n 5000 "$W/all.txt" > "$W/cached.txt"
say "$(wc -l < "$W/cached.txt") cached names, NSD on port $NSD_PORT"

ub_conf plain "validator iterator"
ub_conf tg "dynlib validator iterator"
# the queries are the same either way: the names of the policy as made, with lookalikes
no_look=""
[ "$LOOKALIKES" = no ] && no_look=' "lookalikes=no"'
sed -e "s/\"action=log\"\$/\"action=$ACTION\"$no_look/" "$W/policy.zone" > "$W/policy-tg.zone"
tg_conf tg "$W/policy-tg.zone"
say "typoguard with lookalikes: $LOOKALIKES, action: $ACTION ($(grep -c "action=$ACTION" "$W/policy-tg.zone") names)"
start_ub plain
start_ub tg
warm_up plain tg

# pairs NAME-OF-FIGURE FILE-PREFIX: interleaved runs, medians; FILE-PREFIX-<i>.txt or FILE.txt
pairs() {
	local what=$1 file i a b first second
	: > "$W/$what.pairs"
	for i in $(seq 1 "$PAIRS"); do
		file="$W/$2.txt"
		[ -f "$file" ] || file="$W/$2-$i.txt"
		if [ $((i % 2)) -eq 1 ]; then first=plain second=tg; else first=tg second=plain; fi
		eval "r_$first=\$(measure $first \"\$file\")"
		eval "r_$second=\$(measure $second \"\$file\")"
		echo "$r_plain $r_tg" | tee -a "$W/$what.pairs" | sed 's/^/# pair: /' >&2
	done
	a=$(awk '{ print $1 }' "$W/$what.pairs" | median)
	b=$(awk '{ print $5 }' "$W/$what.pairs" | median)
	result unbound "$what: plain Unbound, queries/s (median)" "$a" qps
	result unbound "$what: with typoguard, $NAMES names, queries/s (median)" "$b" qps
	result unbound "$what: QPS ratio typoguard/plain (median of $PAIRS pairs)" \
		"$(awk '{ print $5 / $1 }' "$W/$what.pairs" | median)" "" "target >= 0.97"
	result unbound "$what: plain Unbound, CPU per query (median)" \
		"$(awk '{ print $4 }' "$W/$what.pairs" | median)" us
	result unbound "$what: with typoguard, CPU per query (median)" \
		"$(awk '{ print $8 }' "$W/$what.pairs" | median)" us
	result unbound "$what: CPU ratio typoguard/plain (median of $PAIRS pairs)" \
		"$(awk '{ print ($4 > 0 ? $8 / $4 : 0) }' "$W/$what.pairs" | median)"
	result unbound "$what: queries lost, plain / typoguard (all runs)" \
		"$(awk '{ p += $3; t += $7 } END { print p "/" t }' "$W/$what.pairs")"
}

say "cached answers, $PAIRS pairs of $SECONDS_RUN s"
pairs cached cached

say "resolved queries: making names that miss the cache"
for i in $(seq 1 "$PAIRS"); do
	unique_queries "$W/policy.zone" "$W/all.txt" "${BENCH_UNIQUE:-250000}" "$i" \
		"$W/unique-$i.txt"
done
say "resolved queries, $PAIRS pairs of $SECONDS_RUN s"
pairs resolved unique

# The share of the typoguard Unbound's time spent in the module while it answers from cache,
# and while it resolves names it has not seen (names of their own, made like the others').
if command -v perf >/dev/null 2>&1; then
	unique_queries "$W/policy.zone" "$W/all.txt" "${BENCH_UNIQUE:-250000}" perf \
		"$W/unique-perf.txt"
	for what in cached:cached unique-perf:resolved; do
		perf record -q -o "$W/perf.data" -p "$tg_PID" -- sleep "$SECONDS_RUN" >/dev/null 2>&1 &
		rec=$!
		sleep 0.5
		perf_run "$tg_PORT" "$W/${what%%:*}.txt" $((SECONDS_RUN - 1)) >/dev/null
		wait "$rec"
		share=$(perf report -i "$W/perf.data" --stdio --sort dso 2>/dev/null |
			awk '/typoguard\.so/ { gsub(/%/, "", $1); s += $1 } END { print s + 0 }')
		result unbound "${what#*:}: share of Unbound's CPU in typoguard.so (perf)" "$share" "%" \
			"$([ "${what#*:}" = cached ] && echo "the reply-from-cache callback" ||
				echo "operate(), the callbacks on upstream answers and replies")"
		perf report -i "$W/perf.data" --stdio --sort dso,symbol 2>/dev/null |
			awk '/typoguard\.so/ && $1 + 0 >= 0.1' | head -12 | sed "s/^/# ${what#*:}: /" >&2
	done
fi

# Memory: what get_mem reports against what the process holds more.
mem=$("$UNBOUND_CONTROL" -c "$tg_CONF" stats_noreset | awk -F= '/^mem.mod.dynlibmod=/ { print $2 }')
result unbound "get_mem (mem.mod.dynlibmod), $NAMES names" "$((mem / 1024))" KiB
result unbound "resident memory, typoguard minus plain, same traffic" \
	"$(( $(rss_kb "$tg_PID") - $(rss_kb "$plain_PID") ))" KiB
