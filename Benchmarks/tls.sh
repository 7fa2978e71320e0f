#!/usr/bin/env bash
# TLS benchmark: Evenkeel, HAProxy and nginx terminating TLS in front of the same nginx upstreams, each with the same
# ECDSA P-256 certificate, the same thread count and the per-request header work Evenkeel does (as in balancer.sh).
# Three measurements per target: two with wrk over HTTPS (HTTP/1.1), one with h2load over HTTP/2:
#   keep-alive  - requests on long-lived TLS connections: requests/s and proxy CPU µs per request;
#   handshakes  - every request on a new connection (Connection: close), so requests/s are TLS handshakes/s and the
#                 CPU is per handshake. wrk resumes its TLS session on each new connection (TLS 1.3, still with an
#                 X25519 exchange): nginx logged $ssl_session_reused "r" for 5,987 of 5,995 connections;
#   h2          - HTTP/2 (ALPN h2) with 10 streams at a time on each connection: requests/s and CPU µs per request.
#                 Each proxy allows that many requests upstream at once (Evenkeel's max_connections, as HTTP/2
#                 multiplies a connection's requests). The floor speaks HTTP/1.1 only and sits this one out.
# Two more rows say where the floor is: nginx-static is nginx answering the same file itself over TLS (no upstream),
# and nio-tls-floor is the cheapest TLS server swift-nio-ssl allows (Benchmarks/NIOFloor in tls mode: the handshake,
# then the same file for every request, no upstream, no limits, no header work). Any TLS terminator on swift-nio-ssl
# does at least that much, so its CPU per handshake cannot fall below nio-tls-floor's.
# The targets run one after another in rounds (three unless given), each round starting one target later; the table
# shows medians, then the Evenkeel/HAProxy and Evenkeel/nginx ratios.
# Usage: Benchmarks/tls.sh [connections] [seconds] [threads] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-32}
seconds=${2:-10}
threads=${3:-$(nproc)}
rounds=${4:-3}
source Benchmarks/common.sh
install_missing wrk:wrk h2load:nghttp2-client haproxy:haproxy nginx:nginx-light openssl:openssl
build_release
start_work
swift build -c release --package-path Benchmarks/NIOFloor >/dev/null
floor_bin=$(swift build -c release --package-path Benchmarks/NIOFloor --show-bin-path)/NIOFloor
up1=$(free_port); up2=$(free_port)
p_even=$(free_port); a_even=$(free_port); p_ha=$(free_port); p_ngx=$(free_port); p_static=$(free_port); p_floor=$(free_port)
head -c 512 /dev/urandom | base64 > "$work/index.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
cat "$work/cert.pem" "$work/key.pem" > "$work/both.pem"

mkdir -p "$work/up" "$work/px"
cat > "$work/up/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/up/nginx.pid; error_log $work/up/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$up1; root $work; location /healthz { return 200 ok; } }
  server { listen 127.0.0.1:$up2; root $work; location /healthz { return 200 ok; } } }
CONF
nginx -c "$work/up/nginx.conf" -p "$work/up" & pids+=($!)

max_connections=$((connections * 10 > 100 ? connections * 10 : 100))
cat > "$work/evenkeel.yaml" <<CONF
listeners:
  proxy: { address: 127.0.0.1, port: $p_even, tls: { certificates: [{ certificate: $work/cert.pem, key: $work/key.pem }] } }
  admin: { address: 127.0.0.1, port: $a_even }
pools:
  - name: bench
    algorithm: round_robin
    backends:
      - { name: up1, address: 127.0.0.1:$up1, max_connections: $max_connections }
      - { name: up2, address: 127.0.0.1:$up2, max_connections: $max_connections }
CONF
"$bin" balance --threads "$threads" --config "$work/evenkeel.yaml" > "$work/evenkeel.log" 2>&1 & pid_even=$!; pids+=($pid_even)

cat > "$work/haproxy.cfg" <<CONF
global
  maxconn 4000
  nbthread $threads
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend bench
  bind 127.0.0.1:$p_ha ssl crt $work/both.pem alpn h2,http/1.1
  option forwardfor
  unique-id-format %[uuid()]
  http-request set-header X-Forwarded-Proto https
  http-request set-header X-Request-ID %[unique-id] unless { req.hdr(x-request-id) -m found }
  http-response set-header X-Evenkeel-Backend %s
  default_backend pool
backend pool
  balance roundrobin
  server up1 127.0.0.1:$up1
  server up2 127.0.0.1:$up2
CONF
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pid_ha=$!; pids+=($pid_ha)

keepalive=$((connections > 64 ? connections : 64))
cat > "$work/px/nginx.conf" <<CONF
worker_processes $threads; daemon off; pid $work/px/nginx.pid; error_log $work/px/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  map \$http_x_request_id \$evenkeel_request_id { "" \$request_id; default \$http_x_request_id; }
  upstream pool { server 127.0.0.1:$up1; server 127.0.0.1:$up2; keepalive $keepalive; }
  server { listen 127.0.0.1:$p_ngx ssl http2; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
    location / { proxy_pass http://pool; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$http_host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme; proxy_set_header X-Request-ID \$evenkeel_request_id;
      add_header X-Evenkeel-Backend \$upstream_addr always; } } }
CONF
nginx -c "$work/px/nginx.conf" -p "$work/px" & pid_ngx=$!; pids+=($pid_ngx)
mkdir -p "$work/static"
cat > "$work/static/nginx.conf" <<CONF
worker_processes $threads; daemon off; pid $work/static/nginx.pid; error_log $work/static/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$p_static ssl http2; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; root $work; } }
CONF
nginx -c "$work/static/nginx.conf" -p "$work/static" & pid_static=$!; pids+=($pid_static)
"$floor_bin" tls "$p_floor" "$work/cert.pem" "$work/key.pem" "$work/index.html" "$threads" > "$work/floor.log" 2>&1 & pid_floor=$!
pids+=($pid_floor)
sleep 2

ticks() { local total=0; for p in "$@"; do read -r -a f < "/proc/$p/stat"; total=$((total + f[13] + f[14])); done; echo $total; }
family() { echo "$1" $(pgrep -P "$1" || true); }
hz=$(getconf CLK_TCK)

printf "%-6s %-14s %-11s %12s %10s %10s %14s\n" round target mode "requests/s" p50 p99 "CPU µs/req"
drive() { # mode url seconds: one load run, its report on standard output
  case $1 in
    h2) h2load -c "$connections" -m 10 -t 1 -D "$3" "$2/index.html" 2>&1 ;;
    handshakes) wrk -t 1 -c "$connections" -d "${3}s" --latency -H "Connection: close" "$2/index.html" ;;
    *) wrk -t 1 -c "$connections" -d "${3}s" --latency "$2/index.html" ;;
  esac
}
run() { # name url pid mode
  local name=$1 url=$2 pid=$3 mode=$4 out="$work/$1-$4.txt"
  [[ $mode == h2 && $name == nio-tls-floor ]] && return   # the floor speaks HTTP/1.1 only
  drive "$mode" "$url" 2 >/dev/null
  local procs before after
  procs=$(family "$pid"); before=$(ticks $procs)
  drive "$mode" "$url" "$seconds" > "$out"
  after=$(ticks $procs)
  require_success "$out" "$name $mode"
  local rps p50 p99 requests cpu
  if [[ $mode == h2 ]]; then
    rps=$(awk '/^finished in/ {print $4}' "$out")
    requests=$(awk '/^requests:/ {print $8}' "$out")
    p50="mean $(awk '/^time for request:/ {print $6}' "$out")"; p99="-"
  else
    rps=$(awk '/Requests\/sec/ {print $2}' "$out")
    requests=$(awk '/requests in/ {print $1}' "$out")
    p50=$(awk '$1=="50%" {print $2}' "$out"); p99=$(awk '$1=="99%" {print $2}' "$out")
  fi
  cpu=$(python3 -c "print(f'{($after-$before)/$hz*1e6/max($requests,1):.1f}')")
  printf "%-6s %-14s %-11s %12s %10s %10s %14s\n" "$round" "$name" "$mode" "$rps" "$p50" "$p99" "$cpu"
  echo "$round $name $mode $rps $cpu" >> "$work/summary"
}
targets=("evenkeel https://127.0.0.1:$p_even $pid_even" "haproxy https://127.0.0.1:$p_ha $pid_ha" "nginx https://127.0.0.1:$p_ngx $pid_ngx"
  "nginx-static https://127.0.0.1:$p_static $pid_static" "nio-tls-floor https://127.0.0.1:$p_floor $pid_floor")
for round in $(seq 1 "$rounds"); do
  for i in "${!targets[@]}"; do
    for mode in keep-alive handshakes h2; do
      # shellcheck disable=SC2086 # name, URL and pid are separate words
      run ${targets[$(( (i + round - 1) % ${#targets[@]} ))]} "$mode"
    done
  done
done
python3 - "$work/summary" <<'PY'
import sys, statistics
runs = {}
for line in open(sys.argv[1]):
    rnd, name, mode, rps, cpu = line.split()
    runs.setdefault((name, mode), []).append((float(rps), float(cpu)))
print(f"\nmedians:")
print(f"{'target':14} {'mode':11} {'requests/s':>12} {'CPU µs/req':>11}")
med = {}
for (name, mode), values in sorted(runs.items()):
    med[(name, mode)] = (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))
    print(f"{name:14} {mode:11} {med[(name, mode)][0]:12.0f} {med[(name, mode)][1]:11.1f}")
for mode, what in (("keep-alive", "HTTPS requests"), ("handshakes", "handshakes"), ("h2", "HTTP/2 requests")):
    e = med[("evenkeel", mode)]
    for peer in ("haproxy", "nginx"):
        p = med[(peer, mode)]
        print(f"RATIO {mode} evenkeel/{peer}: {what}/s {e[0]/p[0]:.2f}x, CPU per request {e[1]/p[1]:.2f}x")
for mode in ("keep-alive", "handshakes"):
    f, n, s, e = med[("nio-tls-floor", mode)], med[("nginx", mode)], med[("nginx-static", mode)], med[("evenkeel", mode)]
    print(f"FLOOR {mode}: the cheapest swift-nio-ssl server costs {f[1]:.1f} us CPU per request, "
          f"{f[1]/n[1]:.2f}x nginx proxying and {f[1]/s[1]:.2f}x nginx answering itself; Evenkeel costs {e[1]/f[1]:.2f}x the floor")
PY
echo "(wrk -t 1 -c $connections -d ${seconds}s over HTTPS, h2load -t 1 -c $connections -m 10 -D $seconds over HTTP/2, per target, mode and round, $rounds round(s); $threads proxy thread(s) each; ECDSA P-256, TLS 1.3; machine: $(nproc) cores, shared)"
