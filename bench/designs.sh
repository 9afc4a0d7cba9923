#!/bin/bash
# bench/designs.sh - the index against its previous design (bench/match_prev.c), same names, one process.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
. "$(dirname "$0")/lib.sh"

for n in ${BENCH_DESIGN_SIZES:-1000 1000000}; do
	$ON_SERVER "$BENCH_MATCH" designs "$n" | tee "$W/designs.txt" | sed 's/^/# /' >&2
	awk -v n="$n" '
		/^(cold|zipf) / {
			printf "designs   %-58s %12s %-8s %s\n", $1 " " $2 ", " n " names: current/previous", \
				$5, "", "ns: previous " $3 ", current " $4
		}
		/ names: built in / { printf "# %s\n", $0 }' "$W/designs.txt" | tee -a "$RESULTS"
done
