#!/bin/bash
# bench/check.sh - typoguard check streaming millions of names from standard input against a policy of a million names.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Each pair: the tool with the names, and the tool with no names (the policy's load alone);
# names a second is the number of names over the difference. Medians over the pairs.
. "$(dirname "$0")/lib.sh"

names=${BENCH_CHECK_POLICY:-1000000}
count=${BENCH_CHECK_NAMES:-3000000}
"$BENCH_MATCH" zone "$names" > "$W/policy.zone"
"$BENCH_MATCH" names "$count" typical > "$W/names.txt"
say "$count names, policy of $names"

# seconds of a command: secs COMMAND...
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
: > "$W/check.txt"
for i in $(seq 1 "$PAIRS"); do
	a=$(secs sh -c "'$TG_TOOL' check --policy '$W/policy.zone' < /dev/null > /dev/null")
	b=$(secs sh -c "'$TG_TOOL' check --policy '$W/policy.zone' < '$W/names.txt' > '$W/out.json'")
	echo "$a $b" | tee -a "$W/check.txt" | sed 's/^/# load alone, load and names: /' >&2
done
result check "typoguard check: names a second, policy of $names (median)" \
	"$(awk -v n="$count" '{ print int(n / ($2 - $1)) }' "$W/check.txt" | median)" "names/s" \
	"$count names on stdin, one JSON line each"
result check "typoguard check: lines written for $count names" "$(wc -l < "$W/out.json")"
