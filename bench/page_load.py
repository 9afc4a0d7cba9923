#!/usr/bin/env python3
# bench/page_load.py - how long a page takes to open in headless Chromium, measured inside the browser (DevTools protocol over a pipe).
# Copyright (c) 2026, the typoguard authors. BSD 3-clause licence, see COPYING.
#
# Usage: page_load.py CHROMIUM PROFILE-DIR FILE.html [RUNS]
# Prints, for each run, the milliseconds from the start of navigation to the first frame
# painted after the load event (the page parsed, laid out, its SVG drawn): the time a person
# waits for the page, without the browser's own start.
import json
import os
import subprocess
import sys

def main():
    chromium, profile, page = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    # the browser reads commands on fd 3 and writes answers on fd 4 (set after the fork:
    # close_fds would close them)
    def fds():
        # through copies: a pipe end may already be fd 3 or 4, and close-on-exec
        a, b = os.dup(to_browser_r), os.dup(from_browser_w)
        os.dup2(a, 3)
        os.dup2(b, 4)
    proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                             "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
                             "--remote-debugging-pipe", "about:blank"],
                            preexec_fn=fds, close_fds=False,
                            stdout=subprocess.DEVNULL, stderr=open(profile + ".log", "w"))
    os.close(to_browser_r)
    os.close(from_browser_w)
    out = os.fdopen(to_browser_w, "wb", buffering=0)
    inp = os.fdopen(from_browser_r, "rb", buffering=0)
    buf = b""
    ident = [0]

    def read_msg():
        nonlocal buf
        while b"\0" not in buf:
            chunk = inp.read(65536)
            if not chunk:
                raise SystemExit("page_load: the browser closed the pipe")
            buf += chunk
        msg, buf = buf.split(b"\0", 1)
        return json.loads(msg)

    def call(method, params=None, session=None):
        ident[0] += 1
        m = {"id": ident[0], "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        out.write(json.dumps(m).encode() + b"\0")
        while True:
            r = read_msg()
            if r.get("id") == ident[0]:
                if "error" in r:
                    raise SystemExit("page_load: %s: %s" % (method, r["error"]))
                return r["result"]

    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.enable", session=session)
    for _ in range(runs):
        call("Page.navigate", {"url": "file://" + page}, session)
        while True:
            r = read_msg()
            if r.get("method") == "Page.loadEventFired" and r.get("sessionId") == session:
                break
        ms = call("Runtime.evaluate", {
            "expression": "new Promise(r => requestAnimationFrame(() => setTimeout(() => "
                          "r(performance.now()), 0)))",
            "awaitPromise": True, "returnByValue": True}, session)["result"]["value"]
        print("%.0f" % ms)
    try:
        call("Browser.close")
    except SystemExit:
        pass
    proc.wait(timeout=30)

main()
