#!/bin/bash
# bench/flagged.sh - flagged traffic: every query a typo, events written, a blocked event file, a burst beside ordinary queries.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Two Unbound with typoguard and 10,000 protected names, one whose policy says action=log
# (a flagged query is resolved, kept out of the cache, and logged) and one action=nxdomain
# (answered by the module). Measured, in interleaved pairs:
# - queries a second when every query is a typo, against the same Unbound on ordinary names
#   of the same kind (log: names that miss the cache; nxdomain: names from the cache), and
#   events written a second;
# - the nxdomain Unbound with its event file a pipe whose reader is stopped, so that the
#   writer thread hangs in write(2): the workers only queue lines (and drop them when the
#   queue is full), never wait for the file, so the queries a second stay those of a free
#   writer;
# - an ordinary stream at a fixed rate, alone and beside a burst of typos at the same rate,
#   and beside a burst of ordinary names at that rate for reference: its latency.
. "$(dirname "$0")/lib.sh"

NAMES=${BENCH_UB_NAMES:-10000}
RATE=${BENCH_FLAGGED_RATE:-4000}

make_zones
start_nsd
"$BENCH_MATCH" zone "$NAMES" > "$W/log.zone"
sed 's/action=log/action=nxdomain/' "$W/log.zone" > "$W/nx.zone"
"$BENCH_MATCH" names 300000 typo | "$TG_TOOL" check --policy "$W/log.zone" |
	grep '"verdict":"typo"' | sed 's/^{"name":"\([^"]*\)".*/\1 A/' > "$W/typo.txt"
ordinary_queries "$W/log.zone" 6000 ordinary "$W/all.txt"
head -n 5000 "$W/all.txt" > "$W/cached.txt"
for i in $(seq 1 "$PAIRS"); do
	unique_queries "$W/log.zone" "$W/all.txt" "${BENCH_UNIQUE:-250000}" "$i" "$W/unique-$i.txt"
done
say "$(wc -l < "$W/typo.txt") typo names"

ub_conf log "dynlib validator iterator"
tg_conf log "$W/log.zone"
ub_conf nx "dynlib validator iterator"
tg_conf nx "$W/nx.zone"
start_ub log
start_ub nx
warm_up log nx

# events NAME: lines in its event file
events() {
	wc -l < "$W/$1/events.json"
}

# typo_pairs NAME ORDINARY-FILE-PREFIX: typos against ordinary names, same Unbound
typo_pairs() {
	local n=$1 i e0 e1 o t file
	: > "$W/$n.pairs"
	for i in $(seq 1 "$PAIRS"); do
		file="$W/$2.txt"
		[ -f "$file" ] || file="$W/$2-$i.txt"
		o=$(measure "$n" "$file")
		e0=$(events "$n")
		t=$(measure "$n" "$W/typo.txt")
		sleep 1
		e1=$(events "$n")
		echo "$o $t $(( (e1 - e0) / SECONDS_RUN ))" | tee -a "$W/$n.pairs" |
			sed "s/^/# $n: ordinary, typos, events a second: /" >&2
	done
	result flagged "action=$n: typos, queries/s (median)" \
		"$(awk '{ print $5 }' "$W/$n.pairs" | median)" qps
	result flagged "action=$n: events written a second (median)" \
		"$(awk '{ print $9 }' "$W/$n.pairs" | median)" "events/s" "one per flagged lookup"
	result flagged "action=$n: typos / ordinary queries/s (median of pairs)" \
		"$(awk '{ print $5 / $1 }' "$W/$n.pairs" | median)" "" "$3"
	result flagged "action=$n: CPU per query, typos / ordinary (median of pairs)" \
		"$(awk '{ print ($4 > 0 ? $8 / $4 : 0) }' "$W/$n.pairs" | median)"
}
typo_pairs log unique "ordinary: names that miss the cache"
typo_pairs nx cached "ordinary: names from the cache"

# A writer that cannot write: the nxdomain Unbound again, its event file a stopped pipe.
stop_ub nx
rm -f "$W/nx/events.json"
mkfifo "$W/nx/events.json"
cat "$W/nx/events.json" > /dev/null &
reader=$!
pids="$pids $reader"
start_ub nx
: > "$W/blocked.pairs"
for i in $(seq 1 "$PAIRS"); do
	free=$(measure nx "$W/typo.txt")
	kill -STOP "$reader"
	sleep 1
	stuck=$(measure nx "$W/typo.txt")
	kill -CONT "$reader"
	echo "$free $stuck" | tee -a "$W/blocked.pairs" | sed 's/^/# writer free, writer stuck: /' >&2
done
result flagged "event file stuck (writer blocked in write): typos queries/s" \
	"$(awk '{ print $5 }' "$W/blocked.pairs" | median)" qps
result flagged "writer stuck / writer free, queries/s (median of pairs)" \
	"$(awk '{ print $5 / $1 }' "$W/blocked.pairs" | median)" "" "~1: no lock held across I/O"
stop_ub nx
grep -m 1 "events dropped" "$W/nx/unbound.log" | sed 's/^/# unbound log: /' >&2
rm -f "$W/nx/events.json"

# Ordinary queries beside a burst of typos, at a fixed rate each (the nxdomain Unbound).
start_ub nx
perf_run "$nx_PORT" "$W/cached.txt" 30 -n 2 >/dev/null
# beside RATE FILE-OR-EMPTY: the ordinary stream's "qps completed lost latency-ms"
beside() {
	local out
	if [ -n "$2" ]; then
		perf_run "$nx_PORT" "$2" "$SECONDS_RUN" -Q "$1" > /dev/null &
		b=$!
	fi
	out=$(perf_run "$nx_PORT" "$W/cached.txt" "$SECONDS_RUN" -Q "$1")
	[ -n "$2" ] && wait "$b"
	echo "$out"
}
: > "$W/burst.pairs"
for i in $(seq 1 "$PAIRS"); do
	alone=$(beside "$RATE" "")
	typos=$(beside "$RATE" "$W/typo.txt")
	ordin=$(beside "$RATE" "$W/all.txt")
	echo "$alone $typos $ordin" | tee -a "$W/burst.pairs" |
		sed 's/^/# ordinary stream alone, beside typos, beside ordinary: /' >&2
done
result flagged "ordinary stream at $RATE/s: average latency alone (median)" \
	"$(awk '{ print $4 }' "$W/burst.pairs" | median)" ms
result flagged "same, beside a burst of typos at $RATE/s (median)" \
	"$(awk '{ print $8 }' "$W/burst.pairs" | median)" ms
result flagged "same, beside a burst of ordinary names at $RATE/s (median)" \
	"$(awk '{ print $12 }' "$W/burst.pairs" | median)" ms
result flagged "ordinary stream's queries answered beside typos / alone" \
	"$(awk '{ print ($2 > 0 ? $6 / $2 : 0) }' "$W/burst.pairs" | median)" "" "lost: $(awk '{ l += $7 } END { print l + 0 }' "$W/burst.pairs")"
