#!/usr/bin/env bash
# Time to mitigation, end to end on one machine: three `evenkeel serve` replicas behind `evenkeel balance` (with an
# admin token file), 40 requests/s from one client, `evenkeel watch` reading the balancer. The postmortem's mistake
# (hashing on the source address) is reloaded twice:
#   auto     Watch started with --auto-rollback jobboard: seconds from the reload to the incident, to Watch's
#            rollback, and to every replica's share (over the last 2 s of the balancer's counters) back within 10 %
#            of its expected share (target < 20 s).
#   manual   Watch without auto_rollback; `evenkeel incident rollback ID` the moment the incident opens (a person
#            who is already looking): the same times.
# For comparison, the postmortem's own time to mitigation was hours. Result lines start with RESULT.
# The binary is $EVENKEEL (default .build/release/evenkeel; not built here).
# Usage: [EVENKEEL=path] [KEEP_WORK=1] Benchmarks/rollback.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
bin=$(readlink -f "${EVENKEEL:-.build/release/evenkeel}")
[[ -x $bin ]] || { echo "no evenkeel binary at $bin (set EVENKEEL)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 2
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [[ -n ${KEEP_WORK:-} ]]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
limit=900
replica_ports=($(free_port) $(free_port) $(free_port))
proxy=$(free_port); admin=$(free_port); watch_port=$(free_port)
watch_url=http://127.0.0.1:$watch_port
config=$work/balancer.yaml
head -c 24 /dev/urandom | base64 > "$work/admin-token"
operator_token=bench-operator-token
now() { date +%s.%N; }

write_config() {
  cat > "$config" <<EOF
listeners:
  proxy: { address: 127.0.0.1, port: $proxy }
  admin: { address: 127.0.0.1, port: $admin, token_file: admin-token }
pools:
  - name: jobboard
    path_prefix: /
    algorithm: $1
    health: { path: /readyz, interval: 2s, timeout: 1s, rise: 2, fall: 2 }
    backends:
      - { name: replica-1, address: "127.0.0.1:${replica_ports[0]}" }
      - { name: replica-2, address: "127.0.0.1:${replica_ports[1]}" }
      - { name: replica-3, address: "127.0.0.1:${replica_ports[2]}" }
EOF
}
reload() {
  curl -s -X POST -H "Authorization: Bearer $(cat "$work/admin-token")" "http://127.0.0.1:$admin/admin/reload" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])'
}
cat > "$work/watch.yaml" <<EOF
operators:
  - { name: bench, team: engineering, token_sha256: $("$bin" watch hash-token --token "$operator_token" | sed -n 's/^token_sha256: //p') }
EOF

cat > "$work/q.py" <<'PY'
import datetime, json, sys, time, urllib.request
def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)
def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else None
cmd = sys.argv[1]
if cmd == "follow":   # ADMIN WATCH T0 TIMEOUT: times from T0 to incident open, rollback event, and even shares
    admin, watch, t0, timeout = sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    samples, opened, rolled, even, incident = [], None, None, None, None
    skewed_seen = False
    deadline = time.time() + timeout
    while time.time() < deadline and even is None:
        now = time.time()
        stats = get(f"{admin}/admin/stats")["pools"][0]["backends"]
        samples.append((now, {b["name"]: b["requests"] for b in stats}, {b["name"]: b["expected_share"] for b in stats}))
        while len(samples) > 2 and now - samples[1][0] >= 2:
            samples.pop(0)
        if len(samples) >= 2 and now - samples[0][0] >= 1.5:
            delta = {n: samples[-1][1][n] - samples[0][1].get(n, 0) for n in samples[-1][1]}
            total = sum(delta.values())
            if total > 20:
                shares = {n: d / total for n, d in delta.items()}
                expected = samples[-1][2]
                within = all(abs(shares[n] - expected[n]) <= 0.1 * expected[n] for n in shares if expected[n] > 0)
                if not within:
                    skewed_seen = True
                elif skewed_seen and rolled is not None:
                    even = now - t0
        if opened is None:
            found = [i for i in get(f"{watch}/api/v1/incidents?state=open,acknowledged")["incidents"] if i["diagnosis"] == "config_skew"]
            if found:
                incident = found[0]["id"]
                opened = when(found[0]["opened_at"]) - t0
                print(f"OPENED {incident}", flush=True)
        if rolled is None:
            for e in get(f"{admin}/admin/events"):
                if e["trigger"] == "rollback" and e["result"] == "applied" and when(e["time"]) >= t0:
                    rolled = when(e["time"]) - t0
        time.sleep(0.25)
    fmt = lambda v: "none" if v is None else f"{v:.1f}"
    print(f"RESULT_LINE incident={incident} opened={fmt(opened)}s rolled_back={fmt(rolled)}s shares_within_10pct={fmt(even)}s", flush=True)
PY

echo "seeding 500 jobs…"
"$bin" seed --db "sqlite:$work/jobs.sqlite" --jobs 500 > /dev/null
for n in 0 1 2; do
  "$bin" serve --db "sqlite:$work/jobs.sqlite" --port "${replica_ports[$n]}" --replica-name "replica-$((n + 1))" --no-rate-limits \
    --parent-pid $$ >> "$work/replica-$n.log" 2>&1 & pids+=($!)
done
for port in "${replica_ports[@]}"; do for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.1; done; done
write_config round_robin
timeout "$limit" "$bin" balance --config "$config" > "$work/balancer.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$proxy/readyz" && break; sleep 0.1; done
timeout "$limit" "$bin" load "http://127.0.0.1:$proxy" --seekers 0 --jobs 500 --rate 40 --duration 800 > "$work/load.txt" 2>&1 & pids+=($!)

# run_phase NAME WATCH-ARGS…: starts Watch, warms it, reloads the skew, follows it to even shares, stops Watch.
run_phase() {
  local name=$1; shift
  rm -f "$work/watch.sqlite"
  timeout "$limit" "$bin" watch --balancer "http://127.0.0.1:$admin" --listen "127.0.0.1:$watch_port" --db "$work/watch.sqlite" \
    --file "$work/watch.yaml" --admin-token-file "$work/admin-token" "$@" >> "$work/watch-$name.log" 2>&1 &
  local watch_timeout=$!; pids+=($watch_timeout)
  for _ in $(seq 100); do curl -sf -o /dev/null "$watch_url/api/v1/status" && break; sleep 0.1; done
  echo "$name: warming Watch's baseline for 40 s"
  sleep 40
  write_config "{ type: consistent_hash, key: source_ip }"
  local t0; t0=$(now)
  echo "$name: reload to hashing on source_ip: $(reload)"
  python3 "$work/q.py" follow "http://127.0.0.1:$admin" "$watch_url" "$t0" 60 > "$work/follow-$name.txt" &
  local follower=$!
  if [[ $name == manual ]]; then
    for _ in $(seq 300); do grep -q '^OPENED' "$work/follow-$name.txt" 2>/dev/null && break; sleep 0.1; done
    local id; id=$(sed -n 's/^OPENED //p' "$work/follow-$name.txt")
    echo "$name: $(EVENKEEL_WATCH_TOKEN=$operator_token "$bin" incident rollback "$id" --watch "$watch_url" || true)"
  fi
  wait "$follower" || true
  echo "RESULT rollback_$name $(sed -n 's/^RESULT_LINE //p' "$work/follow-$name.txt")"
  kill -TERM "$(pgrep -P "$watch_timeout")" 2>/dev/null || true
  wait "$watch_timeout" 2>/dev/null || true
  write_config round_robin
  echo "$name: reset: $(reload)"
  sleep 5
}
run_phase auto --auto-rollback jobboard
run_phase manual
