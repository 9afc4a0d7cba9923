#!/usr/bin/env python3
# tests/report/synth.py - synthetic event files for typoguard report's tests: one case per suggestion rule, each side of its thresholds, and damaged lines.
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage: synth.py DIR
# Writes DIR/rules.json (event lines, in the module's shape), DIR/expected.json (what the report
# must say of them, counted here independently: per typo name lookups, clients, networks, sites,
# days, qtypes, actions, response codes, and the suggestion), and DIR/damaged.json (valid events
# with bad lines among them) with DIR/damaged.expected (the number of valid events and the line
# numbers of the bad ones).
import ipaddress
import json
import os
import sys

DAY = 86400
START = 1793491200  # 2026-11-01T00:00:00Z

def stamp(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".000100Z"

def event(t, client, qname, qtype, action, rcode, protected, typo, mx_answer=False,
          resolved=(), site=None, kind="alert"):
    e = {"@timestamp": stamp(t),
         "event": {"kind": kind, "category": ["network", "intrusion_detection"],
                   "type": ["denied" if action == "nxdomain" and kind == "alert" else "info"],
                   "action": action if kind == "alert" else "resolve-blocked",
                   "module": "typoguard", "dataset": "typoguard.events"},
         "client": {"ip": client, "port": 40000},
         "network": {"transport": "udp", "protocol": "dns"},
         "dns": {"question": {"name": qname, "type": qtype, "class": "IN"},
                 "response_code": rcode}}
    if site:
        e["client"]["geo"] = {"country_iso_code": "US", "name": site}
    if mx_answer:
        e["dns"]["answers"] = [{"name": qname, "type": "MX", "class": "IN", "ttl": 300,
                                "data": "10 mx.%s." % typo}]
    if resolved:
        e["dns"]["resolved_ip"] = [ip for ip, _, _ in resolved]
    e["typoguard"] = {"protected": protected, "typo": typo,
                      "edit": {"op": "deletion", "position": 1, "expected": "x", "found": ""},
                      "rule": {"file": "policy.zone", "line": 6},
                      "policy": {"serial": 7}}
    if resolved:
        e["typoguard"]["resolved"] = [{"ip": ip, "geo": {"country_iso_code": cc},
                                       "as": {"number": asn}} for ip, cc, asn in resolved]
    return e

class Book:
    """The events written, and what the report must count of them."""
    def __init__(self):
        self.lines = []
        self.typos = {}

    def add(self, e):
        self.lines.append(json.dumps(e, separators=(",", ":")))
        if e["event"]["kind"] != "alert":
            return
        p, t = e["typoguard"]["protected"], e["typoguard"]["typo"]
        x = self.typos.setdefault((p, t), {"protected": p, "name": t, "lookups": 0,
                                           "clients": set(), "networks": set(), "sites": set(),
                                           "days": set(), "qtypes": {}, "actions": {},
                                           "response_codes": {}})
        x["lookups"] += 1
        ip = e["client"]["ip"]
        x["clients"].add(ip)
        a = ipaddress.ip_address(ip)
        x["networks"].add(str(ipaddress.ip_network("%s/%d" % (ip, 24 if a.version == 4 else 64),
                                                   strict=False)))
        if "geo" in e["client"] and e["client"]["geo"].get("name"):
            x["sites"].add(e["client"]["geo"]["name"])
        x["days"].add(e["@timestamp"][:10])
        for k, v in (("qtypes", e["dns"]["question"]["type"]), ("actions", e["event"]["action"]),
                     ("response_codes", e["dns"]["response_code"])):
            x[k][v] = x[k].get(v, 0) + 1

    def expected(self, suggestions):
        out = []
        for (p, t), x in sorted(self.typos.items()):
            out.append({"protected": p, "name": t, "lookups": x["lookups"],
                        "clients": len(x["clients"]), "networks": len(x["networks"]),
                        "sites": len(x["sites"]), "days": len(x["days"]),
                        "qtypes": x["qtypes"], "actions": x["actions"],
                        "response_codes": x["response_codes"],
                        "suggestion": suggestions.get(t)})
        return out

def rules(b):
    nl = ("192.0.2.25", "NL", 64500)
    # block: logged, NOERROR, MX with an MX answer, 3 clients (the rule needs 2)
    for i, c in enumerate(["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.1"]):
        b.add(event(START + i * 60, c, "army.ml", "MX", "log", "NOERROR", "army.mil", "army.ml",
                    mx_answer=True, resolved=[nl], site="Building 4"))
    # block, one below: the same from a single client
    for i in range(3):
        b.add(event(START + i * 60, "10.1.0.9", "arny.mil", "MX", "log", "NOERROR", "army.mil",
                    "arny.mil", mx_answer=True, resolved=[nl]))
    # block, not: asked by 2 clients, MX, but NXDOMAIN upstream (does not exist)
    for c in ["10.1.0.1", "10.1.0.2"]:
        b.add(event(START, c, "amry.mil", "MX", "log", "NXDOMAIN", "army.mil", "amry.mil"))
    # block by follow-up: blocked lookups (nxdomain) are not "logged": no block suggestion
    for c in ["10.1.0.1", "10.1.0.2"]:
        b.add(event(START, c, "usmc.ml", "MX", "nxdomain", "NXDOMAIN", "usmc.mil", "usmc.ml"))
    b.add(event(START + 5, "10.1.0.1", "usmc.ml", "MX", "nxdomain", "NOERROR", "usmc.mil",
                "usmc.ml", mx_answer=True, resolved=[nl], kind="enrichment"))
    # allow: 12 clients in 6 networks over 8 days, A lookups that resolve; one MX lookup (8%)
    clients = ["10.%d.0.%d" % (20 + i % 6, 1 + i) for i in range(12)]
    for d in range(8):
        for i, c in enumerate(clients):
            if (d + i) % 3 == 0 or d == 0:
                b.add(event(START + d * DAY + i, c, "www.navy.ml", "A", "log", "NOERROR",
                            "navy.mil", "navy.ml", resolved=[("198.51.100.7", "ML", 64501)],
                            site="Site %d" % (i % 4)))
    b.add(event(START + 3 * DAY, clients[0], "navy.ml", "MX", "log", "NOERROR", "navy.mil",
                "navy.ml"))
    # allow, one below: the same with 9 clients (the rule needs 10)
    for d in range(8):
        for i, c in enumerate(clients[:9]):
            b.add(event(START + d * DAY + i, c, "nevy.mil", "A", "log", "NOERROR", "navy.mil",
                        "nevy.mil"))
    # allow, one below: 12 clients, 6 networks, only 6 days (the rule needs 7)
    for d in range(6):
        for i, c in enumerate(clients):
            b.add(event(START + d * DAY + i, c, "nacy.mil", "A", "log", "NOERROR", "navy.mil",
                        "nacy.mil"))
    # nxdomain for army.mil: army.ml's 4 answered MX lookups by 3 clients (needs 3 by 2);
    # navy.mil: 1 answered MX lookup of a typo that is not allowed -> nothing
    # an IPv6 client, for the /64 network
    b.add(event(START + 30, "2001:db8:1:2::53", "army.ml", "A", "log", "NOERROR", "army.mil",
                "army.ml"))
    b.add(event(START + 31, "2001:db8:1:2::54", "army.ml", "A", "log", "NOERROR", "army.mil",
                "army.ml"))
    # a policy audit event: used for its serial, not a lookup
    b.lines.append(json.dumps({"@timestamp": stamp(START), "event": {
        "kind": "event", "category": ["configuration"], "type": ["change"],
        "action": "policy-loaded", "module": "typoguard", "dataset": "typoguard.events"},
        "typoguard": {"policy": {"source": "policy.zone", "serial": 8, "protected": 3,
                                 "allowed": 0}}}, separators=(",", ":")))
    return {"army.ml": "block", "navy.ml": "allow"}

def damaged(d):
    b = Book()
    good = event(START, "10.9.0.1", "army.ml", "MX", "log", "NOERROR", "army.mil", "army.ml")
    line = json.dumps(good, separators=(",", ":"))
    lines = [line, "this is not JSON", line, line[:-1] + ",}", "[1,2,3]",
             json.dumps({"hello": "world"}), line + "\r", "",
             json.dumps(dict(good, **{"@timestamp": "yesterday"})),
             line.replace('"module":"typoguard"', '"module":"other"'),
             line + " trailing", line, line[:200]]
    bad = [2, 4, 5, 6, 9, 10, 11, 13]
    with open(os.path.join(d, "damaged.json"), "w") as f:
        f.write("\n".join(lines))  # the last line is torn: no newline, cut
    with open(os.path.join(d, "damaged.expected"), "w") as f:
        f.write("%d %s\n" % (len(lines) - len(bad) - 1, ",".join(map(str, bad))))

def main():
    d = sys.argv[1]
    b = Book()
    sugg = rules(b)
    with open(os.path.join(d, "rules.json"), "w") as f:
        f.write("\n".join(b.lines) + "\n")
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(b.expected(sugg), f, indent=1)
    damaged(d)

main()
