#!/usr/bin/env python3
"""Sends COUNT simultaneous renders of a 60 KB SVG (blurred, gradient-filled circles), one connection each, and
prints one JSON line: the tally of answers and the 429s' latency (p50, p99, max in ms, from the moment the
threads are released to the moment the status line is read). Used by scripts/cgroup-overload.sh and
scripts/bench-burst.sh.

Usage: burst.py PORT KEY COUNT [OUT.json]"""
import http.client, json, sys, threading, time

port, key, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
out = sys.argv[4] if len(sys.argv) > 4 else None
shapes = []
i = 0
while sum(len(s) for s in shapes) < 60_000:
    shapes.append(f"<circle cx='{(i * 37) % 1200}' cy='{(i * 53) % 630}' r='{40 + i % 90}' fill='url(#g)' "
                  f"fill-opacity='0.35' filter='url(#b)'/>")
    i += 1
svg = ("<svg xmlns='http://www.w3.org/2000/svg' width='1200' height='630'><defs><linearGradient id='g'>"
       "<stop offset='0' stop-color='#1d2b64'/><stop offset='1' stop-color='#f8cdda'/></linearGradient>"
       "<filter id='b'><feGaussianBlur stdDeviation='3'/></filter></defs>" + "".join(shapes) + "</svg>")
body = json.dumps({"document": {"type": "svg", "svg": svg}, "output": {"format": "png"}}).encode()
gate = threading.Barrier(count + 1)
results = []
lock = threading.Lock()
start = [0.0]


def one():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    gate.wait()
    try:
        c.request("POST", "/v1/renders", body=body, headers={"Authorization": "Bearer " + key,
                  "Content-Type": "application/json", "Connection": "close"})
        status = str(c.getresponse().status)
        took = (time.perf_counter() - start[0]) * 1000
    except Exception as e:
        status, took = "no answer: " + type(e).__name__, None
    finally:
        c.close()
    with lock:
        results.append((status, took))


threads = [threading.Thread(target=one) for _ in range(count)]
for t in threads:
    t.start()
start[0] = time.perf_counter()
gate.wait()
for t in threads:
    t.join()
tally = {}
for status, _ in results:
    tally[status] = tally.get(status, 0) + 1
rejected = sorted(t for s, t in results if s == "429")


def pct(xs, q):
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1) if xs else None


report = {"body_bytes": len(body), "tally": tally, "p50_429_ms": pct(rejected, 0.50),
          "p99_429_ms": pct(rejected, 0.99), "max_429_ms": round(rejected[-1], 1) if rejected else None}
if out:
    json.dump(report, open(out, "w"))
print(json.dumps(report))
