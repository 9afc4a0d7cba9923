#!/bin/bash
# bench/rpz.sh - typoguard against the alternative: Unbound's RPZ listing every one-edit variant of the same names.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# 1,000 protected names (action nxdomain). "rpz": an Unbound with the respip module and an
# rpz: zone holding, for each name, every valid host name one edit away as `typoguard
# variants` lists them, and the *. wildcard of each, all answered NXDOMAIN (CNAME .); the
# protected names themselves are left out of it. "typoguard": the same Unbound binary with
# the module and the 1,000 names. Compared: resident memory once started (also against a
# plain Unbound), start-up time (exec to the first answer), and queries per second on
# ordinary names from the cache and on typos (every query blocked), in interleaved pairs.
# Coverage: which share of one-edit names each setup blocks, on a random sample (edits with
# letters, digits, '-', '_' and '.'), and on what dnstwist (Debian package, run offline:
# --format list does no DNS lookup, and it runs without a network where unshare allows)
# makes of a sample of the names; and which share of all one-edit host names dnstwist makes.
. "$(dirname "$0")/lib.sh"

NAMES=${BENCH_RPZ_NAMES:-1000}
TWIST=${BENCH_TWIST_NAMES:-100}

make_zones
start_nsd
"$BENCH_MATCH" zone "$NAMES" | sed 's/action=log/action=nxdomain/' > "$W/policy.zone"
sed -n 's/\.protect .*//p' "$W/policy.zone" > "$W/names.txt"
say "$(wc -l < "$W/names.txt") protected names; listing their variants"
xargs -n 200 "$TG_TOOL" variants < "$W/names.txt" | sort -u > "$W/variants.txt"
# the protected names are not variants to block
sort "$W/names.txt" > "$W/names.sorted"
comm -23 "$W/variants.txt" "$W/names.sorted" > "$W/blocked.txt"
{
	echo "\$ORIGIN rpz.bench."
	echo "\$TTL 60"
	echo "@ SOA localhost. root.localhost. 1 3600 600 86400 60"
	echo "@ NS localhost."
	awk '{ print $1 " CNAME ."; print "*." $1 " CNAME ." }' "$W/blocked.txt"
} > "$W/rpz.zone"
records=$(($(wc -l < "$W/rpz.zone") - 4))
result rpz "one-edit variants of $NAMES names (typoguard variants)" "$(wc -l < "$W/blocked.txt")" \
	names "$((records / NAMES)) RPZ records a name with the wildcards"
result rpz "RPZ zone: records, size" "$records" records "$(du -m "$W/rpz.zone" | cut -f1) MB"

ub_conf base "validator iterator"
ub_conf rpz "respip validator iterator" "" "rpz:
  name: rpz.bench.
  zonefile: \"$W/rpz.zone\"
  rpz-log: no"
ub_conf tg "dynlib validator iterator"
tg_conf tg "$W/policy.zone"
# for throughput on typos: RPZ writing a line for each, as typoguard writes an event
ub_conf rpzlog "respip validator iterator" "" "rpz:
  name: rpz.bench.
  zonefile: \"$W/rpz.zone\"
  rpz-log: yes"

# Start-up and memory, in pairs: each started, measured, stopped in turn.
start_ub base
sleep 1
base_rss=$(rss_kb "$base_PID")
stop_ub base
: > "$W/start.txt"
for i in $(seq 1 "$PAIRS"); do
	start_ub rpz
	sleep 1
	r_rss=$(rss_kb "$rpz_PID")
	stop_ub rpz
	start_ub tg
	sleep 1
	t_rss=$(rss_kb "$tg_PID")
	stop_ub tg
	echo "$rpz_STARTUP $r_rss $tg_STARTUP $t_rss" | tee -a "$W/start.txt" |
		sed 's/^/# start-up and RSS: rpz, typoguard: /' >&2
done
r_start=$(awk '{ print $1 }' "$W/start.txt" | median)
t_start=$(awk '{ print $3 }' "$W/start.txt" | median)
r_rss=$(awk '{ print $2 }' "$W/start.txt" | median)
t_rss=$(awk '{ print $4 }' "$W/start.txt" | median)
result rpz "resident memory: plain Unbound, started" "$base_rss" KiB
result rpz "resident memory: RPZ Unbound, started (median)" "$r_rss" KiB
result rpz "resident memory: typoguard Unbound, started (median)" "$t_rss" KiB
result rpz "memory over plain Unbound: RPZ / typoguard" \
	"$(awk -v r="$r_rss" -v t="$t_rss" -v b="$base_rss" 'BEGIN { printf "%.1f", (r - b) / (t - b) }')" \
	"x" "aim >= 50; RPZ +$(( (r_rss - base_rss) / 1024 )) MiB, typoguard +$(( (t_rss - base_rss) / 1024 )) MiB"
result rpz "start-up, exec to first answer: RPZ (median)" "$r_start" s
result rpz "start-up, exec to first answer: typoguard (median)" "$t_start" s
result rpz "start-up: RPZ / typoguard (median of pairs)" \
	"$(awk '{ print $1 / $3 }' "$W/start.txt" | median)" x "aim >= 20"

# Throughput, all running, in interleaved pairs.
start_ub rpz
start_ub rpzlog
start_ub tg
ordinary_queries "$W/policy.zone" 6000 ordinary "$W/all.txt"
head -n 5000 "$W/all.txt" > "$W/cached.txt"
"$BENCH_MATCH" names 200000 typo | awk 'NR <= 100000' > "$W/typo.names"
"$TG_TOOL" check --policy "$W/policy.zone" < "$W/typo.names" | grep '"verdict":"typo"' |
	sed 's/^{"name":"\([^"]*\)".*/\1 A/' > "$W/typo.txt"
warm_up rpz rpzlog tg
# qps_pairs WHAT RPZ-NAME FILE: median of typoguard/rpz over interleaved pairs
qps_pairs() {
	local i r=$2
	: > "$W/$1.pairs"
	for i in $(seq 1 "$PAIRS"); do
		if [ $((i % 2)) -eq 1 ]; then
			a=$(measure "$r" "$3"); b=$(measure tg "$3")
		else
			b=$(measure tg "$3"); a=$(measure "$r" "$3")
		fi
		echo "$a $b" | tee -a "$W/$1.pairs" | sed "s/^/# $1 pair: /" >&2
	done
	result rpz "$1: RPZ queries/s (median)" "$(awk '{ print $1 }' "$W/$1.pairs" | median)" qps
	result rpz "$1: typoguard queries/s (median)" "$(awk '{ print $5 }' "$W/$1.pairs" | median)" qps
	result rpz "$1: QPS ratio typoguard/RPZ (median of pairs)" \
		"$(awk '{ print $5 / $1 }' "$W/$1.pairs" | median)" "" "aim >= 1"
	result rpz "$1: CPU per query, RPZ / typoguard (median)" \
		"$(awk '{ print $4 }' "$W/$1.pairs" | median) / $(awk '{ print $8 }' "$W/$1.pairs" | median)" us
}
qps_pairs "ordinary, cached" rpz "$W/cached.txt"
qps_pairs "typos, all blocked, RPZ without log" rpz "$W/typo.txt"
qps_pairs "typos, all blocked, RPZ with rpz-log" rpzlog "$W/typo.txt"

# Coverage.
say "coverage: a random sample of one-edit names, and dnstwist"
python3 - "$W" "$NAMES" <<'PY'
import random, sys
w = sys.argv[1]
random.seed(20260101)
names = [l.strip() for l in open(w + "/names.txt") if l.strip()]
chars = "abcdefghijklmnopqrstuvwxyz0123456789-_."
out = open(w + "/sample.txt", "w")
for p in names:
    for k in range(20):
        s = p
        while s == p:
            i = random.randrange(len(p))
            op = random.randrange(4)
            c = random.choice(chars)
            if op == 0:
                s = p[:i] + p[i + 1:]
            elif op == 1:
                s = p[:i] + c + p[i:]
            elif op == 2:
                s = p[:i] + c + p[i + 1:]
            elif i + 1 < len(p):
                s = p[:i] + p[i + 1] + p[i] + p[i + 2:]
        if ".." in s or s.startswith(".") or s.endswith(".") or not s:
            continue
        if random.random() < 0.3:
            s = "www." + s
        out.write(s + "\n")
PY
if command -v dnstwist >/dev/null 2>&1; then
	nonet=""
	unshare -n true 2>/dev/null && nonet="unshare -n"
	shuf -n "$TWIST" --random-source="$W/names.txt" "$W/names.txt" > "$W/twist.names"
	: > "$W/twist.txt"
	while read -r p; do
		$nonet dnstwist --format list "$p" 2>/dev/null | grep -vx "$p" |
			sed "s/^/$p /" >> "$W/twist.txt"
	done < "$W/twist.names"
else
	say "no dnstwist: apt-get install dnstwist (scripts/setup installs it)"
	: > "$W/twist.txt"
fi
for f in sample twist; do
	awk '{ print $NF }' "$W/$f.txt" | "$TG_TOOL" check --policy "$W/policy.zone" |
		sed 's/^{"name":"\([^"]*\)".*"verdict":"\([a-z]*\)".*/\1 \2/' > "$W/$f.verdicts"
done
python3 - "$W" "$TG_TOOL" <<'PY' | tee -a "$RESULTS"
import subprocess, sys
w, tool = sys.argv[1], sys.argv[2]
blocked = set(l.strip() for l in open(w + "/blocked.txt"))
def rpz_catches(s):
    # the name itself, or a name below a listed one (the wildcard)
    labels = s.lower().split(".")
    return any(".".join(labels[i:]) in blocked for i in range(len(labels) - 1)) or \
        s.lower() in blocked
def verdicts(f):
    return [l.split() for l in open(w + "/" + f) if len(l.split()) == 2]
def line(what, value, unit="", note=""):
    print("%-9s %-58s %12s %-8s %s" % ("rpz", what, value, unit, note))
v = verdicts("sample.verdicts")
if v:
    n = len(v)
    t = sum(1 for s, x in v if x == "typo")
    r = sum(1 for s, x in v if rpz_catches(s))
    line("random one-edit names (sample): caught by typoguard", "%.1f" % (100.0 * t / n), "%",
        "%d names, 30%% below www." % n)
    line("random one-edit names (sample): caught by RPZ", "%.1f" % (100.0 * r / n), "%",
        "missed: '_', a hyphen at a label's end, ...")
v = verdicts("twist.verdicts")
if v:
    n = len(v)
    t = sum(1 for s, x in v if x == "typo")
    r = sum(1 for s, x in v if rpz_catches(s))
    line("dnstwist permutations: caught by typoguard", "%.1f" % (100.0 * t / n), "%",
        "%d permutations of %d names" % (n, len(open(w + "/twist.names").readlines())))
    line("dnstwist permutations: caught by RPZ", "%.1f" % (100.0 * r / n), "%")
    # which share of all one-edit host names of each name dnstwist makes
    made, total = 0, 0
    perms = {}
    for l in open(w + "/twist.txt"):
        p, s = l.split()
        perms.setdefault(p, set()).add(s)
    for p in perms:
        var = set(subprocess.run([tool, "variants", p], capture_output=True,
            text=True).stdout.split())
        total += len(var)
        made += len(var & perms[p])
    if total:
        line("one-edit host names that dnstwist makes", "%.1f" % (100.0 * made / total), "%",
            "%d of %d" % (made, total))
PY
