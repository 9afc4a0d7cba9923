#!/bin/bash
# bench/report.sh - typoguard report over a million real-shaped event lines: events a second on one core, memory at 1M and 10M events, the HTML page's size and time to open.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# The events: tests/report/gen-events.py, lines shaped as module/event.c writes them with the
# GeoIP, ASN and site databases in use (about 1.3 kB each), 20,000 distinct typo names (Zipf),
# 5,000 clients. Each run is pinned to one core; events a second is events over the process's
# CPU time (user + system), the median of BENCH_PAIRS runs. 10M events: the same file ten
# times on standard input (same names and clients, ten times the events).
. "$(dirname "$0")/lib.sh"

events=${BENCH_REPORT_EVENTS:-1000000}
typos=${BENCH_REPORT_TYPOS:-20000}
python3 "$abs_top_srcdir/tests/report/gen-events.py" "$events" "$typos" > "$W/events.json" 2> "$W/gen.txt"
say "$(cat "$W/gen.txt"), $(du -m "$W/events.json" | cut -f1) MB"
# the file written out before the runs: on a VM, the writeback of 1.3 GB behind them took
# host CPU that showed as the report's (one run right after took 5 times its CPU)
sync "$W/events.json"

# CPU seconds and peak memory (kB) of one report: run_report FORMAT INPUT-COMMAND
run_report() {
	local fmt=$1
	shift
	"$@" | $ON_SERVER /usr/bin/time -f "%U %S %M" -o "$W/time.txt" \
		"$TG_TOOL" report --format "$fmt" > "$W/out.$fmt"
	awk '{ printf "%.3f %d\n", $1 + $2, $3 }' "$W/time.txt"
}

: > "$W/text.txt"
run_report text cat "$W/events.json" | sed 's/^/# warm-up run, not counted: cpu s, peak kB: /' >&2
for i in $(seq 1 "$PAIRS"); do
	run_report text cat "$W/events.json" | tee -a "$W/text.txt" | sed 's/^/# cpu s, peak kB: /' >&2
done
result report "typoguard report: events a second, one core (median)" \
	"$(awk -v n="$events" '{ print int(n / $1) }' "$W/text.txt" | median)" "events/s" \
	"$events events, $typos typo names, --format text"
result report "typoguard report: peak memory, $events events" \
	"$(awk '{ print $2 }' "$W/text.txt" | median)" "kB" "--format text"
m=$(run_report json cat "$W/events.json")
result report "typoguard report --format json: CPU, $events events" "${m% *}" "s"
result report "typoguard report --format json: peak memory, $events events" "${m#* }" "kB" \
	"objects built and written one typo name at a time"
m=$(run_report text sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do cat '$W/events.json'; done")
result report "typoguard report: events a second, $((10 * events)) events" \
	"$(echo "${m% *}" | awk -v n="$((10 * events))" '{ print int(n / $1) }')" "events/s" \
	"the same file ten times on stdin"
result report "typoguard report: peak memory, $((10 * events)) events" "${m#* }" "kB" "--format text"
result report "typoguard report: typo names counted" "$(jq '[.protected[].typo_names] | add' "$W/out.json")"

run_report html cat "$W/events.json" > /dev/null
result report "typoguard report --format html: page size, $events events" \
	"$(wc -c < "$W/out.html")" "bytes"
CHROMIUM=$(command -v chromium || command -v chromium-browser) || { say "no chromium: page load not measured"; exit 0; }
echo '<!DOCTYPE html><html><body>empty</body></html>' > "$W/empty.html"
: > "$W/load.txt"
for i in $(seq 1 "$PAIRS"); do
	a=$(python3 "$abs_top_srcdir/bench/page_load.py" "$CHROMIUM" "$W/chromium" "$W/empty.html" 1)
	b=$(python3 "$abs_top_srcdir/bench/page_load.py" "$CHROMIUM" "$W/chromium" "$W/out.html" 1)
	echo "$a $b" | tee -a "$W/load.txt" | sed 's/^/# ms to open, empty page and report: /' >&2
done
result report "the HTML page opens in Chromium (median)" \
	"$(awk '{ print $2 }' "$W/load.txt" | median)" "ms" \
	"navigation to first frame after load; an empty page: $(awk '{ print $1 }' "$W/load.txt" | median) ms"
