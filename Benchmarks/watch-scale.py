#!/usr/bin/env python3
"""A fake Evenkeel balancer admin API for Watch's scale benchmark (Python 3, standard library only).

Serves on 127.0.0.1:
  GET /admin/stats    admin API version 2: P pools x B backends, in the shape of Sources/BalancerAPI/StatsReport.swift
                      (snake_case keys, `generated_at` RFC 3339 with fractional seconds, latency in milliseconds).
                      Counters advance with wall time: 50 requests/s per pool (--rate), spread evenly over its
                      backends, every backend healthy with weight 1; latency from one fixed distribution for all.
  GET /admin/events   [] (no reloads)
  GET /fake/summary   what this server saw: the polls of /admin/stats, the gaps between them, its own time per answer.

Latency buckets follow the balancer's histogram (Sources/Distribution/LatencyHistogram.swift): bounds from 0.05 ms,
four per doubling, up to 100 s; only non-empty buckets, lowest first; each bucket's count is its own (responses
above the bound below and at most `le`), counted since start, as StatsReport.LatencyBucket says.

Usage: watch-scale.py PORT [--pools 50] [--backends 20] [--rate 50]
"""
import argparse
import datetime
import json
import math
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--pools", type=int, default=50)
parser.add_argument("--backends", type=int, default=20)
parser.add_argument("--rate", type=float, default=50.0, help="requests/s per pool")
args = parser.parse_args()

# The balancer's histogram bounds, in milliseconds.
BOUNDS = []
b = 0.00005
while b < 100:
    BOUNDS.append(b * 1000)
    b *= 1.1892

# One latency distribution for every backend: (bucket index, cumulative fraction of responses at or below it).
# Around 2 ms to 40 ms, median near 6 ms, p99 near 30 ms, like the job board's mix.
def _distribution():
    weights = {}
    for i, le in enumerate(BOUNDS):
        if 1.5 <= le <= 45:
            # log-normal-ish around 6 ms
            weights[i] = math.exp(-((math.log(le) - math.log(6)) ** 2) / (2 * 0.55 ** 2))
    total = sum(weights.values())
    cumulative, running = [], 0.0
    for i in sorted(weights):
        running += weights[i] / total
        cumulative.append((i, running))
    cumulative[-1] = (cumulative[-1][0], 1.0)
    return cumulative

DISTRIBUTION = _distribution()
START = time.time()
PER_BACKEND = args.rate / args.backends
CONFIG_HASH = "5ca1ab1e0ddba11e"
CLIENTS = [f"198.51.100.{n}" for n in range(1, 201)]  # many clients, none heavy
PATHS = ["/api/v1/jobs", "/api/v1/jobs/42", "/jobs", "/", "/api/v1/auth/login"]
lock = threading.Lock()
polls = []        # (arrival time, seconds spent answering)


def buckets(n):
    """n responses spread over the distribution: each bucket's own count, non-empty ones only."""
    out, below = [], 0
    for index, fraction in DISTRIBUTION:
        upto = math.floor(n * fraction + 1e-9)
        if upto > below:
            out.append({"le": round(BOUNDS[index], 6), "count": upto - below})
        below = upto
    return out


def quantile(n, q):
    for index, fraction in DISTRIBUTION:
        if fraction >= q:
            return round(BOUNDS[index], 3) if n else 0
    return 0


def stats(now):
    elapsed = now - START
    pools = []
    for p in range(args.pools):
        backends = []
        for i in range(args.backends):
            # Even spread: each backend's counter advances at rate/backends, phases staggered so that the pool's
            # total is the pool's rate at any moment.
            requests = math.floor(elapsed * PER_BACKEND + i / args.backends)
            # A request is answered 50 ms after it is admitted: now and then one is in flight.
            responses = max(0, math.floor((elapsed - 0.05) * PER_BACKEND + i / args.backends))
            in_flight = requests - responses
            r4xx = responses // 50          # a few 4xx, as any site has
            backends.append({
                "name": f"backend-{i + 1:02d}",
                "address": f"10.{p // 250}.{p % 250}.{i + 1}:8080",
                "state": "healthy",
                "backup": False,
                "weight": 1,
                "effective_weight": 1.0,
                "expected_share": 1 / args.backends,
                "observed_share_1m": 1 / args.backends,
                "observed_share_5m": 1 / args.backends,
                "requests": requests,
                "in_flight": in_flight,
                "tunnels": 0,
                "queue_depth": 0,
                "responses_1xx": 0,
                "responses_2xx": responses - r4xx,
                "responses_3xx": 0,
                "responses_4xx": r4xx,
                "responses_5xx": 0,
                "connect_errors": 0,
                "retries": 0,
                "latency_ms": {"p50": quantile(responses, 0.5), "p90": quantile(responses, 0.9),
                               "p99": quantile(responses, 0.99), "max": quantile(responses, 1.0)},
                "latency_buckets": buckets(responses),
            })
        # The heaviest clients and paths of the last 10 to 20 seconds, as the balancer reports them.
        seconds = 10 + int(elapsed) % 10
        recent = int(args.rate * min(seconds, elapsed))
        per_client = recent // len(CLIENTS)
        top_clients = [{"key": c, "count": per_client + (1 if k < recent % len(CLIENTS) else 0), "error": 0}
                       for k, c in enumerate(CLIENTS[:10])]
        top_paths = [{"key": path, "count": recent * w // 100, "error": 0} for path, w in zip(PATHS, (50, 25, 10, 5, 2))]
        pools.append({
            "name": f"pool-{p + 1:02d}",
            "algorithm": "round_robin",
            "queue_depth": 0,
            "backends": backends,
            "sources": {"seconds": seconds, "requests": recent, "top_clients": top_clients, "top_paths": top_paths},
        })
    generated = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).isoformat(timespec="milliseconds")
    return {"api_version": 2, "config_hash": CONFIG_HASH, "generated_at": generated.replace("+00:00", "Z"), "pools": pools}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as the balancer's admin listener

    def log_message(self, *_):
        pass

    def answer(self, body, status=200):
        # Pretty-printed with sorted keys, as the balancer's encoder writes (Swift's `"key" : value`).
        data = json.dumps(body, indent=2, sort_keys=True, separators=(",", " : ")).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return len(data)

    def do_GET(self):
        arrived = time.time()
        if self.path == "/admin/stats":
            size = self.answer(stats(arrived))
            with lock:
                polls.append((arrived, time.time() - arrived, size))
        elif self.path == "/admin/events":
            self.answer([])
        elif self.path == "/fake/summary":
            with lock:
                seen = list(polls)
            gaps = [b[0] - a[0] for a, b in zip(seen, seen[1:])]
            self.answer({
                "polls": len(seen),
                "first": seen[0][0] if seen else None,
                "last": seen[-1][0] if seen else None,
                "gap_median_s": statistics.median(gaps) if gaps else None,
                "gap_max_s": max(gaps) if gaps else None,
                "gaps_over_1_5_s": sum(1 for g in gaps if g > 1.5),
                "answer_median_s": statistics.median(s for _, s, _ in seen) if seen else None,
                "bytes": seen[-1][2] if seen else None,
            })
        else:
            self.answer({"title": "not found"}, 404)


server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
server.daemon_threads = True
print(f"fake balancer admin API on http://127.0.0.1:{args.port}: {args.pools} pools x {args.backends} backends, "
      f"{args.rate:g} requests/s per pool", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
