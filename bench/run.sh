#!/bin/bash
# bench/run.sh - run typoguard's benchmarks (make bench): every figure a ratio measured side by side, printed and written to a file.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage (from make bench, which builds the programs and sets the environment):
#   BENCH="matcher load check unbound rpz flagged report live" bench/run.sh
# BENCH picks the parts (default: all). BENCH_PAIRS (5), BENCH_SECONDS (8) set how many
# interleaved pairs each comparison takes the median of, and how long a dnsperf run is.
# Results go to bench-results.txt in the build directory, one line per figure, after a
# header saying when, on what machine and with which command they were made.
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${abs_top_builddir:?run through make bench}" "${UNBOUND_DIR:?run through make bench}"
export RESULTS=${BENCH_RESULTS:-$abs_top_builddir/bench-results.txt}
parts=${BENCH:-matcher load check unbound rpz flagged report live lookalike}

{
	echo "# typoguard benchmarks: BENCH=\"$parts\" make bench"
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -srm); $(nproc) CPUs:" \
		"$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "# $(free -m | awk '/^Mem:/ { print $2 " MiB memory" }');" \
		"load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# $("$UNBOUND_DIR/unbound" -V 2>/dev/null | head -n 1); $(dnsperf -h 2>&1 |
		awk '/^Version/ { print "dnsperf " $2 }'); $("${NSD:-nsd}" -v 2>&1 | head -n 1)"
	printf '%-9s %-58s %12s %-8s %s\n' part figure value unit note
} | tee "$RESULTS"

status=0
for p in $parts; do
	if [ ! -f "$here/$p.sh" ]; then
		echo "bench: no part $p" >&2
		status=1
		continue
	fi
	echo "# --- $p" >&2
	bash "$here/$p.sh" || { echo "bench: part $p failed" >&2; status=1; }
done
echo "# results in $RESULTS" >&2
exit "$status"
