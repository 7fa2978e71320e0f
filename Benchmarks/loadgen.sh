#!/usr/bin/env bash
# LoadGen benchmark: one nginx serving a small static file on 127.0.0.1, driven in one run by
#   1. wrk -t2 -cN -dS                              (the closed-loop reference)
#   2. evenkeel load --closed N --duration S        (the same connection count; target ≥ 0.8× wrk's requests/s)
#   3. evenkeel load --rate R --duration S          (the open model; target: achieved within 1 % of R)
# Prints requests/s of each, the ratio, and how closely the open model held its rate.
# Usage: Benchmarks/loadgen.sh [connections] [seconds] [open-rate]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-32}
seconds=${2:-10}
rate=${3:-5000}
source Benchmarks/common.sh
install_missing wrk:wrk nginx:nginx-light
build_release
start_work
port=$(free_port)
head -c 512 /dev/urandom | base64 > "$work/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $work; } }
CONF
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/index.html" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port"
field() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

echo "target: nginx (1 worker), 512-byte file; $(nproc) cores; $connections connections, $seconds s"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "$url/index.html" > "$work/wrk.txt"
wrk_rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
sleep 1
"$bin" load "$url" --scenario /index.html --closed "$connections" --duration "$seconds" --json "$work/closed.json" \
    > "$work/closed.txt" 2>/dev/null
ek_rps=$(field "$work/closed.json" "round(r['achieved_rate'], 1)")
ek_p99=$(field "$work/closed.json" "r['latency']['p99']")
wrk_p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
printf '%-34s %10s req/s   p99 %s\n' "wrk -t2 -c$connections" "$wrk_rps" "$wrk_p99"
printf '%-34s %10s req/s   p99 %s ms\n' "evenkeel load --closed $connections" "$ek_rps" "$ek_p99"
python3 -c "import sys; print('closed-model ratio evenkeel/wrk: %.2f (target >= 0.80)' % (float(sys.argv[1]) / float(sys.argv[2])))" "$ek_rps" "$wrk_rps"

sleep 1
"$bin" load "$url" --scenario /index.html --rate "$rate" --duration "$seconds" --json "$work/open.json" > "$work/open.txt" 2>/dev/null
# Achieved = requests actually sent inside the test's window (by their real send time), per second of it.
field "$work/open.json" "'open model at %d/s for %d s: %d scheduled, %d sent inside the window, achieved %.1f/s (%+.2f%% vs target); per-second sent %d..%d; send lag p99 %.2f ms, max %.2f ms; p99 %.2f ms; errors %.2f%%' % (
    $rate, $seconds, r['scheduled'], sum(s['sent'] for s in r['per_second'][:$seconds]),
    sum(s['sent'] for s in r['per_second'][:$seconds]) / $seconds, (sum(s['sent'] for s in r['per_second'][:$seconds]) / $seconds / $rate - 1) * 100,
    min(s['sent'] for s in r['per_second'][:$seconds]), max(s['sent'] for s in r['per_second'][:$seconds]),
    r['send_lag_p99_ms'], r['send_lag_max_ms'], r['latency']['p99'], r['error_rate'] * 100)"
