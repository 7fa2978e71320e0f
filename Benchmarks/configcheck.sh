#!/usr/bin/env bash
# ConfigCheck speed: generates an HAProxy configuration of about 5,000 lines (250 backends of 16 servers each,
# every one a real HAProxy keyword line) and times, in one run, `evenkeel check` (parse, 22 rules, simulated
# distribution of every backend) against HAProxy's own `haproxy -c` on the same file. Target: under 1 s.
# Usage: Benchmarks/configcheck.sh [backends] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
backends=${1:-250}
runs=${2:-5}
source Benchmarks/common.sh
install_missing haproxy:haproxy
build_release
start_work
cfg=$work/haproxy.cfg
{
  printf 'global\n    maxconn 4000\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n    timeout queue 5s\n'
  printf 'frontend www\n    bind 127.0.0.1:18080\n'
  for b in $(seq 1 "$backends"); do printf '    use_backend b%d if { path_beg /b%d/ }\n' "$b" "$b"; done
  for b in $(seq 1 "$backends"); do
    printf 'backend b%d\n    balance roundrobin\n    option httpchk GET /healthz\n    default-server check inter 2s rise 2 fall 3 slowstart 30s\n' "$b"
    for s in $(seq 1 16); do printf '    server s%d 10.%d.%d.%d:8080 weight 10 maxconn 200\n' "$s" $((b / 256)) $((b % 256)) "$s"; done
  done
} > "$cfg"
lines=$(wc -l < "$cfg")
time_runs() { # prints the median wall time in ms of "$@" over $runs runs
  local times=()
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
findings=$("$bin" check --format json "$cfg" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["findings"]), len(d["pools"]))')
evenkeel_ms=$(time_runs "$bin" check "$cfg")
haproxy_ms=$(time_runs haproxy -c -f "$cfg")
echo "config: $lines lines, $backends backends × 16 servers; findings, pools: $findings"
echo "evenkeel check: ${evenkeel_ms} ms (median of $runs)"
echo "haproxy -c:     ${haproxy_ms} ms (median of $runs)"
python3 -c "print(f'ratio evenkeel/haproxy: {$evenkeel_ms / max(1, $haproxy_ms):.2f}x; target under 1000 ms: {\"met\" if $evenkeel_ms < 1000 else \"NOT met\"}')"
