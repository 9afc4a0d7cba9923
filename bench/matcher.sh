#!/bin/bash
# bench/matcher.sh - the matcher alone: ns a name with 1,000 and with 1,000,000 protected names, in one process.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# bench_match builds both matchers in one process and times them in interleaved pairs on the
# same kinds of names (see tests/bench_match.c): ordinary host names, typo hits, names below a
# protected name, and a typical mix (80/15/5); "cold" asks 100,000 distinct names, "zipf"
# draws from 100,000 names by popularity. The ratio is the median over the pairs.
. "$(dirname "$0")/lib.sh"

small=${BENCH_SMALL:-1000}
big=${BENCH_BIG:-1000000}
$ON_SERVER "$BENCH_MATCH" sizes "$small" "$big" | tee "$W/sizes.txt" | sed 's/^/# /' >&2
awk -v s="$small" -v b="$big" '
	/^(cold|zipf) / {
		printf "matcher   %-58s %12s %-8s\n", $1 " " $2 ": ns a name, " s " names", $3, "ns"
		printf "matcher   %-58s %12s %-8s\n", $1 " " $2 ": ns a name, " b " names", $4, "ns"
		printf "matcher   %-58s %12s %-8s %s\n", $1 " " $2 ": ratio " b "/" s " (median of pairs)", \
			$5, "", "typos among the names: " $7
	}
	/ names: built in / { sub(/^current, /, ""); build = build "# " $0 "\n" }
	END { printf "%s", build }' "$W/sizes.txt" | tee -a "$RESULTS"
