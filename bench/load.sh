#!/bin/bash
# bench/load.sh - loading 1,000,000 protected names from a zone file, as the module's init does: time and memory.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# bench_load runs tg_policy_load() in a process of its own (its peak resident set is the
# load's), in turn with the floor that ldns sets: ldns_rr_new_frm_fp_l() reading every
# record of the same file and nothing else. Medians over the pairs.
. "$(dirname "$0")/lib.sh"

names=${BENCH_LOAD_NAMES:-1000000}
"$BENCH_MATCH" zone "$names" > "$W/policy.zone"
say "zone of $names names: $(du -m "$W/policy.zone" | cut -f1) MB"
"$BENCH_LOAD" ldns "$W/policy.zone" >/dev/null
: > "$W/load.txt"
for i in $(seq 1 "$PAIRS"); do
	l=$("$BENCH_LOAD" ldns "$W/policy.zone")
	p=$("$BENCH_LOAD" policy "$W/policy.zone")
	echo "$l | $p" | tee -a "$W/load.txt" | sed 's/^/# /' >&2
done
# "ldns 2.01 s (cpu 1.99 s), N names, peak RSS 3 MiB, ... | policy 4.05 s (cpu 4.81 s), ..."
awk -F'|' '{ split($1, l, " "); split($2, p, " "); print l[2], p[2], p[5], p[11], p[15], l[5] }' \
	"$W/load.txt" > "$W/load.cols"
result load "$names names: tg_policy_load, wall seconds (median)" \
	"$(awk '{ print $2 }' "$W/load.cols" | median)" s "target <= 5"
result load "$names names: tg_policy_load, CPU seconds (median, both threads)" \
	"$(awk '{ print $3 }' "$W/load.cols" | sed 's/[^0-9.]//g' | median)" s
result load "$names names: ldns alone reading the same file (median)" \
	"$(awk '{ print $1 }' "$W/load.cols" | median)" s "the floor"
result load "$names names: load / ldns alone (median of pairs)" \
	"$(awk '{ print $2 / $1 }' "$W/load.cols" | median)"
result load "$names names: peak resident memory of the load (median)" \
	"$(awk '{ print $4 }' "$W/load.cols" | median)" MiB "target <= 1024"
result load "$names names: memory the policy reports (tg_policy_memory)" \
	"$(awk '{ print $5 }' "$W/load.cols" | median)" MiB

# The same policy in Unbound: start-up, and get_mem against the memory it adds.
make_zones
start_nsd
ub_conf plain "validator iterator"
ub_conf tg "dynlib validator iterator"
tg_conf tg "$W/policy.zone"
start_ub plain
# both cores, as a server would start it: the load has a helper thread
ON_SERVER="" start_ub tg
sleep 2
mem=$("$UNBOUND_CONTROL" -c "$tg_CONF" stats_noreset | awk -F= '/^mem.mod.dynlibmod=/ { print $2 }')
result load "$names names in Unbound: start-up, exec to first answer" "$tg_STARTUP" s \
	"plain Unbound: $plain_STARTUP s; not pinned to a core"
result load "$names names in Unbound: get_mem (mem.mod.dynlibmod)" "$((mem / 1048576))" MiB
result load "$names names in Unbound: resident memory over plain Unbound" \
	"$(( ($(rss_kb "$tg_PID") - $(rss_kb "$plain_PID")) / 1024 ))" MiB \
	"get_mem / this: $(awk -v m="$mem" -v r="$(( $(rss_kb "$tg_PID") - $(rss_kb "$plain_PID") ))" \
	'BEGIN { printf "%.2f", m / 1024 / r }')"
