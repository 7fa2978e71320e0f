#!/usr/bin/env bash
# WebSocket tunnel benchmark: one echo backend that accepts WebSocket upgrades (101, then every byte echoed back),
# and in front of it, one at a time, Evenkeel, HAProxy and nginx, each configured to pass the upgrade on. A client
# opens the tunnels through the proxy and pushes bytes through them while reading the echo. Both ends are small
# Python asyncio programs, so they, not the proxies, bound the throughput on this machine: what compares the
# proxies is their CPU per megabyte echoed (from /proc/PID/stat), with MB/s alongside.
# Every proxy runs the same number of threads (nbthread, worker_processes, --threads), one unless given, leaving the
# other core to the two ends. The targets run in rounds (three unless given), each round starting one target later;
# the table shows medians, and the ratios' per-round range.
# Usage: Benchmarks/websocket.sh [tunnels] [megabytes per tunnel] [threads] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
tunnels=${1:-4}
megabytes=${2:-250}
threads=${3:-1}
rounds=${4:-3}
source Benchmarks/common.sh
install_missing haproxy:haproxy nginx:nginx-light python3:python3
build_release
start_work
backend_port=$(free_port)
p_even=$(free_port); a_even=$(free_port); p_ha=$(free_port); p_ngx=$(free_port)

cat > "$work/backend.py" <<EOF
import asyncio
async def tunnel(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
                 b"sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass  # the proxy in front was stopped
    writer.close()
async def main():
    server = await asyncio.start_server(tunnel, "127.0.0.1", $backend_port)
    await server.serve_forever()
asyncio.run(main())
EOF
cat > "$work/client.py" <<'EOF'
import asyncio, sys, time
port, tunnels, total = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) * 1_000_000
chunk = bytes(range(256)) * 256
async def one():
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /live HTTP/1.1\r\nhost: bench\r\nconnection: upgrade\r\nupgrade: websocket\r\n"
                 b"sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"): raise SystemExit(f"no switch: {head[:80]!r}")
    async def send():
        sent = 0
        while sent < total:
            writer.write(chunk); await writer.drain(); sent += len(chunk)
    async def receive():
        got = 0
        while got < total:
            data = await reader.read(65536)
            if not data: raise SystemExit(f"closed after {got} bytes")
            got += len(data)
    await asyncio.gather(send(), receive())
    writer.close()
async def main():
    start = time.monotonic()
    await asyncio.gather(*(one() for _ in range(tunnels)))
    print(time.monotonic() - start)
asyncio.run(main())
EOF
cat > "$work/evenkeel.yaml" <<EOF
listeners:
  proxy: { address: 127.0.0.1, port: $p_even }
  admin: { address: 127.0.0.1, port: $a_even }
pools:
  - name: live
    health: { enabled: false }
    backends:
      - { name: echo, address: 127.0.0.1:$backend_port }
EOF
cat > "$work/haproxy.cfg" <<EOF
global
  maxconn 1000
  nbthread $threads
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
frontend live
  bind 127.0.0.1:$p_ha
  default_backend echo
backend echo
  server echo 127.0.0.1:$backend_port
EOF
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes $threads; daemon off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream echo { server 127.0.0.1:$backend_port; }
  server {
    listen 127.0.0.1:$p_ngx;
    location / {
      proxy_pass http://echo; proxy_http_version 1.1; proxy_read_timeout 3600s;
      proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection "upgrade";
    }
  }
}
EOF

python3 "$work/backend.py" & pids+=($!)
sleep 0.5

# ticks PID: user+system clock ticks of PID and its children (nginx's workers).
ticks() {
  local total=0 pid f
  for pid in "$1" $(pgrep -P "$1" || true); do
    read -r -a f < "/proc/$pid/stat"
    total=$((total + f[13] + f[14]))
  done
  echo "$total"
}

# run NAME PORT CMD…: starts the proxy, echoes through it, prints "NAME MB/s CPU-ms-per-MB".
run() {
  local name=$1 port=$2; shift 2
  "$@" > "$work/$name.log" 2>&1 &
  local pid=$!
  sleep 1.5
  local before seconds after
  before=$(ticks "$pid")
  seconds=$(python3 "$work/client.py" "$port" "$tunnels" "$megabytes")
  after=$(ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  sleep 0.3
  python3 -c "mb=$tunnels*$megabytes; print('$name', round(mb/$seconds), round(($after-$before)*1000/$(getconf CLK_TCK)/mb, 3))"
}

targets=(evenkeel haproxy nginx)
results="$work/results.txt"
for round in $(seq 0 $((rounds - 1))); do
  for i in "${!targets[@]}"; do
    target=${targets[$(((i + round) % ${#targets[@]}))]}
    case $target in
      evenkeel) run evenkeel "$p_even" "$bin" balance --config "$work/evenkeel.yaml" --threads "$threads" ;;
      haproxy) run haproxy "$p_ha" haproxy -f "$work/haproxy.cfg" ;;
      nginx) run nginx "$p_ngx" nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" ;;
    esac | sed "s/^/$round /" >> "$results"
  done
done

python3 - "$results" "$tunnels" "$megabytes" "$threads" <<'EOF'
import sys, statistics, collections
rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    round_, name, rate, cpu = line.split()
    rows[name][int(round_)] = (float(rate), float(cpu))
print(f"{sys.argv[2]} tunnels x {sys.argv[3]} MB echoed, {sys.argv[4]} proxy thread(s), {len(rows['evenkeel'])} rounds (medians)")
print(f"{'target':<10} {'MB/s':>6} {'CPU ms/MB':>10}")
for name in ("evenkeel", "haproxy", "nginx"):
    print(f"{name:<10} {statistics.median(r for r, _ in rows[name].values()):>6.0f} {statistics.median(c for _, c in rows[name].values()):>10.3f}")
for peer in ("haproxy", "nginx"):
    rounds = sorted(set(rows["evenkeel"]) & set(rows[peer]))
    rate = [rows["evenkeel"][r][0] / rows[peer][r][0] for r in rounds]
    cpu = [rows["evenkeel"][r][1] / rows[peer][r][1] for r in rounds]
    print(f"RATIO evenkeel/{peer}: throughput {statistics.median(rate):.2f}x, CPU per MB {statistics.median(cpu):.2f}x "
          f"(per round {min(rate):.2f}-{max(rate):.2f}x and {min(cpu):.2f}-{max(cpu):.2f}x)")
EOF
