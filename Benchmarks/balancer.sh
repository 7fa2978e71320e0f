#!/usr/bin/env bash
# Balancer benchmark: identical nginx upstreams serving a small file, and in front of them, one at a time,
# Evenkeel, HAProxy and nginx as reverse proxies (round robin, keep-alive to upstreams), plus direct access.
# HAProxy and nginx run twice: "haproxy" and "nginx" are configured to do the per-request work Evenkeel does
# (X-Forwarded-For, X-Forwarded-Proto, an X-Request-ID unless the client sent one, the client's Host kept, a
# response header naming the backend); "haproxy-bare" and "nginx-bare" only pass requests through.
# wrk drives each for the same time and connections; proxy CPU per request comes from /proc/PID/stat.
# Prints requests/s, p50/p99 and CPU µs/request, then the Evenkeel/HAProxy and Evenkeel/nginx ratios. Two last
# rows are SwiftNIO proxies on paired connections to one upstream: nio-floor copies bytes, nio-http passes each
# message through SwiftNIO's HTTP/1 codecs unchanged. Evenkeel reads HTTP/1.1 off the bytes itself (no codec
# handlers), so nio-floor is the floor under it: the step from there is everything Evenkeel does per request
# (parsing, rewriting heads, balancing, limits, statistics). nio-http shows what the codecs alone would cost.
# Every proxy runs the same number of threads (nbthread, worker_processes, --threads), one per core unless given.
# The targets run one after another, in rounds (three unless given): each round runs every target once, starting
# one target later than the round before. The table shows each target's median over the rounds, with the per-round
# ratios' range, because this shared machine's speed drifts by more than the differences being measured.
# The pool has two backends unless given: with more, each is one more listener of the same upstream nginx, which
# shows how each proxy's cost per request grows with the size of the pool.
# Usage: Benchmarks/balancer.sh [connections] [seconds] [threads] [rounds] [backends]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-32}
seconds=${2:-10}
threads=${3:-$(nproc)}
rounds=${4:-3}
backends=${5:-2}
source Benchmarks/common.sh
install_missing wrk:wrk haproxy:haproxy nginx:nginx-light
build_release
start_work
ups=()
for _ in $(seq 1 "$backends"); do
  port=$(free_port); while [[ " ${ups[*]} " == *" $port "* ]]; do port=$(free_port); done; ups+=("$port")
done
up1=${ups[0]}
p_even=$(free_port); a_even=$(free_port); p_ha=$(free_port); p_ngx=$(free_port)
p_ha_bare=$(free_port); p_ngx_bare=$(free_port)
p_floor=$(free_port); p_hfloor=$(free_port)
# The floors under any SwiftNIO proxy (Benchmarks/NIOFloor): paired connections that copy bytes, and paired
# connections that pass messages through SwiftNIO's HTTP/1 decoders and encoders unchanged.
swift build -c release --package-path Benchmarks/NIOFloor >/dev/null
floor_bin=$(swift build -c release --package-path Benchmarks/NIOFloor --show-bin-path)/NIOFloor
head -c 512 /dev/urandom | base64 > "$work/index.html"

# The upstreams: one nginx, a listener per backend, each naming itself.
mkdir -p "$work/up" "$work/px"
cat > "$work/up/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/up/nginx.pid; error_log $work/up/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
$(for i in "${!ups[@]}"; do
  echo "  server { listen 127.0.0.1:${ups[$i]}; root $work; add_header X-Upstream up$((i + 1)); location /healthz { return 200 ok; } }"
done) }
CONF
nginx -c "$work/up/nginx.conf" -p "$work/up" & pids+=($!)

# Neither peer limits the requests in flight per backend, so Evenkeel's max_connections (100 unless set) is raised to
# the clients' connections when they are more: its queue would otherwise be measured against proxies without one.
max_connections=$((connections > 100 ? connections : 100))
cat > "$work/evenkeel.yaml" <<CONF
listeners:
  proxy: { address: 127.0.0.1, port: $p_even }
  admin: { address: 127.0.0.1, port: $a_even }
pools:
  - name: bench
    algorithm: round_robin
    backends:
$(for i in "${!ups[@]}"; do echo "      - { name: up$((i + 1)), address: 127.0.0.1:${ups[$i]}, max_connections: $max_connections }"; done)
CONF
"$bin" balance --threads "$threads" --config "$work/evenkeel.yaml" > "$work/evenkeel.log" 2>&1 & pid_even=$!; pids+=($pid_even)

# HAProxy, once with Evenkeel's header work and once bare.
ha_config() { # port, extra frontend lines
  cat <<CONF
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
  bind 127.0.0.1:$1
$2
  default_backend pool
backend pool
  balance roundrobin
$(for i in "${!ups[@]}"; do echo "  server up$((i + 1)) 127.0.0.1:${ups[$i]}"; done)
CONF
}
ha_config "$p_ha" "  option forwardfor
  unique-id-format %[uuid()]
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Request-ID %[unique-id] unless { req.hdr(x-request-id) -m found }
  http-response set-header X-Evenkeel-Backend %s" > "$work/haproxy.cfg"
ha_config "$p_ha_bare" "" > "$work/haproxy-bare.cfg"
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 & pid_ha=$!; pids+=($pid_ha)
haproxy -f "$work/haproxy-bare.cfg" -db > "$work/haproxy-bare.log" 2>&1 & pid_ha_bare=$!; pids+=($pid_ha_bare)

# nginx, once with Evenkeel's header work and once bare. Its upstream `keepalive` is how many idle connections
# each worker keeps: fewer than the clients' connections, and it would close and reopen upstream connections.
keepalive=$((connections > 64 ? connections : 64))
ngx_config() { # name, port, extra location lines
  cat <<CONF
worker_processes $threads; daemon off; pid $work/$1/nginx.pid; error_log $work/$1/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  map \$http_x_request_id \$evenkeel_request_id { "" \$request_id; default \$http_x_request_id; }
  upstream pool { $(for u in "${ups[@]}"; do echo -n "server 127.0.0.1:$u; "; done)keepalive $keepalive; }
  server { listen 127.0.0.1:$2;
    location / { proxy_pass http://pool; proxy_http_version 1.1; proxy_set_header Connection ""; $3 } } }
CONF
}
mkdir -p "$work/px-bare"
ngx_config px "$p_ngx" 'proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Request-ID $evenkeel_request_id;
    add_header X-Evenkeel-Backend $upstream_addr always;' > "$work/px/nginx.conf"
ngx_config px-bare "$p_ngx_bare" "" > "$work/px-bare/nginx.conf"
nginx -c "$work/px/nginx.conf" -p "$work/px" & pid_ngx=$!; pids+=($pid_ngx)
nginx -c "$work/px-bare/nginx.conf" -p "$work/px-bare" & pid_ngx_bare=$!; pids+=($pid_ngx_bare)
"$floor_bin" bytes "$p_floor" "$up1" "$threads" > "$work/floor.log" 2>&1 & pid_floor=$!; pids+=($pid_floor)
"$floor_bin" http "$p_hfloor" "$up1" "$threads" > "$work/hfloor.log" 2>&1 & pid_hfloor=$!; pids+=($pid_hfloor)
sleep 2

# CPU ticks (utime+stime) of a process and its children threads/processes named by a pid list.
ticks() { local total=0; for p in "$@"; do read -r -a f < "/proc/$p/stat"; total=$((total + f[13] + f[14])); done; echo $total; }
family() { echo "$1" $(pgrep -P "$1" || true); }
hz=$(getconf CLK_TCK)

printf "%-6s %-12s %12s %10s %10s %14s\n" round target "requests/s" p50 p99 "CPU µs/req"
run() {
  local name=$1 url=$2 pid=${3:-}
  wrk -t 1 -c "$connections" -d 2s "$url/index.html" >/dev/null   # warm-up, keep-alive pools filled
  local before=0 procs=""
  if [[ -n $pid ]]; then procs=$(family "$pid"); before=$(ticks $procs); fi
  wrk -t 1 -c "$connections" -d "${seconds}s" --latency "$url/index.html" > "$work/$name.txt"
  require_success "$work/$name.txt" "$name"
  local rps p50 p99 cpu="-"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/$name.txt")
  local requests; requests=$(awk '/requests in/ {print $1}' "$work/$name.txt")
  if [[ -n $pid ]]; then
    local after; after=$(ticks $procs)
    cpu=$(python3 -c "print(f'{($after-$before)/$hz*1e6/$requests:.1f}')")
  fi
  printf "%-6s %-12s %12s %10s %10s %14s\n" "$round" "$name" "$rps" "$p50" "$p99" "$cpu"
  echo "$round $name $rps $cpu $p50 $p99" >> "$work/summary"
}
targets=("direct http://127.0.0.1:$up1" "evenkeel http://127.0.0.1:$p_even $pid_even" "haproxy http://127.0.0.1:$p_ha $pid_ha"
  "nginx http://127.0.0.1:$p_ngx $pid_ngx" "haproxy-bare http://127.0.0.1:$p_ha_bare $pid_ha_bare"
  "nginx-bare http://127.0.0.1:$p_ngx_bare $pid_ngx_bare" "nio-floor http://127.0.0.1:$p_floor $pid_floor" "nio-http http://127.0.0.1:$p_hfloor $pid_hfloor")
# Each round starts one target later than the one before, so that no target always runs at the same point of a
# round while the machine's speed drifts.
for round in $(seq 1 "$rounds"); do
  for i in "${!targets[@]}"; do
    # shellcheck disable=SC2086 # name, URL and pid are separate words
    run ${targets[$(( (i + round - 1) % ${#targets[@]} ))]}
  done
done
python3 - "$work/summary" <<'PY'
import sys, statistics
def ms(text):
    for unit, scale in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if text.endswith(unit): return float(text[:-len(unit)]) * scale
    return float("nan")
runs = {}
for line in open(sys.argv[1]):
    rnd, name, rps, cpu, p50, p99 = line.split()
    runs.setdefault(name, {})[int(rnd)] = (float(rps), float(cpu) if cpu != "-" else float("nan"), ms(p50), ms(p99))
med = {name: [statistics.median(r[i] for r in by_round.values()) for i in range(4)] for name, by_round in runs.items()}
print(f"\nmedian of {len(runs['evenkeel'])} round(s):")
print(f"{'target':12} {'requests/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'CPU µs/req':>11}")
for name, (rps, cpu, p50, p99) in med.items():
    print(f"{name:12} {rps:12.0f} {p50:8.2f} {p99:8.2f} {cpu:11.1f}")
e_rps, e_cpu = med["evenkeel"][0], med["evenkeel"][1]
for peer in ("haproxy", "nginx", "haproxy-bare", "nginx-bare"):
    rps, cpu = med[peer][0], med[peer][1]
    per_round = [(runs["evenkeel"][r][0] / runs[peer][r][0], runs["evenkeel"][r][1] / runs[peer][r][1]) for r in runs["evenkeel"]]
    t_lo, t_hi = min(x for x, _ in per_round), max(x for x, _ in per_round)
    c_lo, c_hi = min(y for _, y in per_round), max(y for _, y in per_round)
    print(f"RATIO evenkeel/{peer}: throughput {e_rps/rps:.2f}x, CPU per request {e_cpu/cpu:.2f}x "
          f"(medians; per round {t_lo:.2f}-{t_hi:.2f}x and {c_lo:.2f}-{c_hi:.2f}x)")
f_cpu, h_cpu = med["nio-floor"][1], med["nio-http"][1]
print(f"FLOOR a byte-copying SwiftNIO proxy costs {f_cpu:.1f} us per request; Evenkeel's whole handling adds {e_cpu - f_cpu:.1f} us; "
      f"passing messages through SwiftNIO's HTTP codecs alone would add {h_cpu - f_cpu:.1f} us")
PY
echo "(wrk -t 1 -c $connections -d ${seconds}s per target and round, $rounds round(s); $threads proxy thread(s) each; $backends backends; upstreams: nginx static file; machine: $(nproc) cores, shared)"
