#!/bin/bash
# bench/lookalike.sh - lookalikes: recall on dnstwist's homoglyphs, precision on the public suffix list, and what a name pays.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Recall: for each protected name, dnstwist --fuzzers homoglyph; its internationalised (xn--)
# names and its ASCII ones checked with typoguard check against a policy of all of them.
# Precision: every name of Debian's public suffix list, and the query names of bench_match,
# checked against the same policy, and dnstwist's internationalised homoglyphs of fifteen other
# names (BENCH_LOOK_OTHERS): lookalike flags, each listed. Cost: bench/bench_look on
# bench_match's ordinary and typical names against a policy of 1,000 names plus these,
# tg_matcher_match() on the policy with lookalikes=no on every name and tg_policy_match() on
# the policy as it is, side by side.
. "$(dirname "$0")/lib.sh"

BENCH_LOOK="$abs_top_builddir/bench/bench_look"
protected=${BENCH_LOOK_NAMES:-"army.mil navy.mil disa.mil google.com microsoft.com paypal.com wikipedia.org example.com"}
{
	echo '$ORIGIN look.bench.'
	echo '@ SOA ns hostmaster 1 3600 600 86400 300'
	for d in $protected; do echo "$d.protect TXT \"action=log\""; done
} > "$W/look.zone"

# --- recall
for d in $protected; do
	dnstwist --fuzzers homoglyph -f list "$d" | grep -vx "$d" > "$W/$d.all"
	"$TG_TOOL" check --policy "$W/look.zone" < "$W/$d.all" > "$W/$d.out"
	for kind in idn ascii; do
		if [ $kind = idn ]; then sel='select(.name | test("xn--"))'; else sel='select(.name | test("xn--") | not)'; fi
		total=$(jq -c "$sel" "$W/$d.out" | wc -l)
		flagged=$(jq -c "$sel | select(.match and .protected == \"$d\")" "$W/$d.out" | wc -l)
		look=$(jq -c "$sel | select(.match and .protected == \"$d\" and .verdict == \"lookalike\")" "$W/$d.out" | wc -l)
		result lookalike "recall $d, $kind: flagged of dnstwist's names" "$flagged/$total" "" \
			"$look as lookalikes, $((flagged - look)) as typos"
	done
	jq -r 'select(.match | not) | .name' "$W/$d.out" > "$W/$d.missed"
done
cat "$W"/*.missed > "$W/missed.txt"
say "names not flagged: $(wc -l < "$W/missed.txt") (see doc/performance.md for their classes)"
# the internationalised ones, each with its Unicode form: the spec wants none
grep 'xn--' "$W/missed.txt" | python3 -c '
import sys
def uni(label):
    try:
        return label[4:].encode().decode("punycode") if label.startswith("xn--") else label
    except UnicodeError:
        return label
for line in sys.stdin:
    name = line.strip()
    print("#   not flagged: %s (%s)" % (name, ".".join(uni(l) for l in name.split("."))))
' >&2

# --- precision
python3 - /usr/share/publicsuffix/public_suffix_list.dat > "$W/psl.names" <<'EOF'
import sys
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if not line or line.startswith("//"):
        continue
    try:
        print(line.lstrip("!").replace("*.", "").encode("idna").decode())
    except UnicodeError:
        pass
EOF
"$BENCH_MATCH" names 100000 typical > "$W/typical.names"
for set in psl typical; do
	"$TG_TOOL" check --policy "$W/look.zone" < "$W/$set.names" > "$W/$set.out"
	n=$(wc -l < "$W/$set.names")
	look=$(jq -r 'select(.verdict == "lookalike") | .name + " -> " + .protected + " (" + .edit.op + ", skeleton " + .skeleton + ")"' "$W/$set.out")
	nl=$(printf '%s' "$look" | grep -c .)
	result lookalike "precision: lookalike flags among $set names" "$nl/$n" "" \
		"typo flags: $(jq -r 'select(.verdict == "typo") | .name' "$W/$set.out" | wc -l)"
	[ -n "$look" ] && printf '%s\n' "$look" | sed 's/^/#   /' >&2
done
# dnstwist's internationalised homoglyphs of other names, none near the protected ones: what
# the loose fold could make look like them
others=${BENCH_LOOK_OTHERS:-"amazon.com facebook.com apple.com github.com mozilla.org debian.org python.org twitter.com linkedin.com netflix.com mirror.com connect.com liquid.com click.com nasa.gov"}
for d in $others; do dnstwist --fuzzers homoglyph -f list "$d" | grep 'xn--'; done > "$W/others.names"
"$TG_TOOL" check --policy "$W/look.zone" < "$W/others.names" > "$W/others.out"
look=$(jq -r 'select(.verdict == "lookalike") | .name + " -> " + .protected + " (" + .edit.op + ", skeleton " + .skeleton + ")"' "$W/others.out")
result lookalike "precision: lookalike flags among other names' xn-- homoglyphs" \
	"$(printf '%s' "$look" | grep -c .)/$(wc -l < "$W/others.names")" "" \
	"typo flags: $(jq -r 'select(.verdict == "typo") | .name' "$W/others.out" | wc -l)"
[ -n "$look" ] && printf '%s\n' "$look" | sed 's/^/#   /' >&2

# --- cost: a name with no confusable, and one with (BENCH_LOOK_COST=no leaves it out)
[ "${BENCH_LOOK_COST:-yes}" = no ] && exit 0
"$BENCH_MATCH" zone 1000 > "$W/cost.zone"
sed 1,2d "$W/look.zone" >> "$W/cost.zone"
{ "$BENCH_MATCH" names 20000 ordinary; "$BENCH_MATCH" names 20000 typical; } > "$W/cost.names"
sed 's/\.protect TXT \(.*\)$/.protect TXT \1 "lookalikes=no"/' "$W/cost.zone" > "$W/cost-plain.zone"
"$BENCH_LOOK" "$W/cost.zone" "$W/cost-plain.zone" "$W/cost.names" | tee "$W/cost.txt" |
	sed 's/^/# /' >&2
while read -r group n a b d fa fb; do
	result lookalike "cost, $group names: ns a name without lookalikes" "$a" ns "$n names, $fa flagged"
	result lookalike "cost, $group names: ns a name with lookalikes" "$b" ns "$fb flagged"
	result lookalike "cost, $group names: more a name (median of pairs)" "$d" ns
done < "$W/cost.txt"
