#!/usr/bin/env bash
# Watch's notifications, end to end on one machine, against Alertmanager doing the same delivery in the same run.
# Three `evenkeel serve` replicas behind `evenkeel balance`, steady load from one client, `evenkeel watch --notify`
# with three receivers: a webhook worded for the NOC, a Slack-shaped one for engineering (both straight to the local
# receiver, docs/examples/webhook-receiver.py), and a real Alertmanager (Debian's prometheus-alertmanager,
# group_wait 0s) that forwards to the same receiver. Phases:
#   latency  the pool switched to hashing on the source address: seconds from the incident's opened_at to each
#            notice's arrival (target < 2 s for the direct webhook), and through Alertmanager for comparison; the
#            revert, and the same for the resolved notices.
#   outage   the receiver stopped; a skew opens an incident (its notices fail and are retried); Watch is stopped
#            (SIGTERM) and started again on the same database; the skew is reverted (the resolve notices wait too);
#            the receiver comes back 60 s after it went. Every notice Watch queued must arrive, none twice.
# Result lines start with RESULT. The binary is $EVENKEEL (default .build/release/evenkeel; not built here).
# Usage: [EVENKEEL=path] [KEEP_WORK=1] Benchmarks/notify.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
install_missing prometheus-alertmanager:prometheus-alertmanager
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
proxy=$(free_port); admin=$(free_port); watch_port=$(free_port); receiver_port=$(free_port); am_port=$(free_port)
watch_url=http://127.0.0.1:$watch_port
config=$work/balancer.yaml
now() { date +%s.%N; }

write_config() {
  cat > "$config" <<EOF
listeners:
  proxy: { address: 127.0.0.1, port: $proxy }
  admin: { address: 127.0.0.1, port: $admin }
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
reload() { curl -s -X POST "http://127.0.0.1:$admin/admin/reload" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])'; }
hashed="{ type: consistent_hash, key: source_ip }"

cat > "$work/notify.yaml" <<EOF
receivers:
  - { name: noc, type: webhook, url: "http://127.0.0.1:$receiver_port/noc", audience: noc }
  - { name: engineering, type: slack, url: "http://127.0.0.1:$receiver_port/engineering", audience: engineering }
  - { name: alertmanager, type: alertmanager, url: "http://127.0.0.1:$am_port", audience: engineering }
routes:
  - receivers: [noc, engineering, alertmanager]
    group_wait: 0s
    repeat_interval: 1h
EOF
cat > "$work/alertmanager.yml" <<EOF
route:
  receiver: forward
  group_by: [pool, diagnosis]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: forward
    webhook_configs:
      - url: http://127.0.0.1:$receiver_port/via-alertmanager
        send_resolved: true
EOF

start_receiver() {
  python3 docs/examples/webhook-receiver.py --port "$receiver_port" --log "$work/received.jsonl" >> "$work/receiver.log" 2>&1 &
  receiver_pid=$!; pids+=($receiver_pid)
  for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $receiver_port), 1)" 2>/dev/null && return; sleep 0.1; done
}
start_watch() {
  timeout "$limit" "$bin" watch --balancer "http://127.0.0.1:$admin" --listen "127.0.0.1:$watch_port" --db "$work/watch.sqlite" \
    --notify "$work/notify.yaml" >> "$work/watch.log" 2>&1 &
  watch_timeout=$!; pids+=($watch_timeout)
  for _ in $(seq 100); do curl -sf -o /dev/null "$watch_url/api/v1/status" && break; sleep 0.1; done
  watch_pid=$(pgrep -P "$watch_timeout")
}

cat > "$work/q.py" <<'PY'
import datetime, json, sys, time, urllib.request
def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)
def when(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() if text else None
def poll(check, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found is not None:
            return found
        time.sleep(0.1)
    return None
def received(path):
    try:
        return [json.loads(line) for line in open(path)]
    except FileNotFoundError:
        return []
def status(payload):
    if isinstance(payload, dict) and "status" in payload:
        return payload["status"]
    return "resolved" if "[RESOLVED]" in json.dumps(payload) else "firing"
cmd, base = sys.argv[1], sys.argv[2]
if cmd == "wait-open":            # TIMEOUT: the first open config_skew incident's id and opened_at
    found = poll(lambda: next((i for i in get(f"{base}/api/v1/incidents?state=open,acknowledged")["incidents"] if i["diagnosis"] == "config_skew"), None), float(sys.argv[3]))
    print(f"{found['id']} {when(found['opened_at'])}" if found else "")
elif cmd == "wait-resolved":      # ID TIMEOUT: its resolved_at
    ident = int(sys.argv[3])
    found = poll(lambda: next((i for i in get(f"{base}/api/v1/incidents?state=resolved")["incidents"] if i["id"] == ident), None), float(sys.argv[4]))
    print(when(found["resolved_at"]) if found else "")
elif cmd == "arrivals":           # LOG SINCE KIND T0 TIMEOUT: seconds from T0 to the first arrival of KIND on each path
    log, since, kind, t0, timeout = sys.argv[3], float(sys.argv[4]), sys.argv[5], float(sys.argv[6]), float(sys.argv[7])
    paths = ["/noc", "/engineering", "/via-alertmanager"]
    def seen():
        got = {}
        for r in received(log):
            if r["at"] >= since and r["path"] in paths and r["path"] not in got and status(r["payload"]) == kind:
                got[r["path"]] = r["at"] - t0
        return got
    got = poll(lambda: seen() if len(seen()) == len(paths) else None, timeout) or seen()
    parts = [f"{p.strip('/')}={got[p]:.2f}" if p in got else f"{p.strip('/')}=none" for p in paths]
    if "/noc" in got and "/via-alertmanager" in got and got["/noc"] > 0:
        parts.append(f"alertmanager_over_watch={got['/via-alertmanager'] / got['/noc']:.1f}x")
    print(" ".join(parts))
elif cmd == "pending":            # how many notifications wait in Watch's outbox
    print(len(get(f"{base}/api/v1/notifications?state=pending&limit=1000")["deliveries"]))
elif cmd == "outage-check":       # LOG SINCE_ID: every delivery after SINCE_ID is delivered and arrived exactly once
    log, since = sys.argv[3], int(sys.argv[4])
    deliveries = [d for d in get(f"{base}/api/v1/notifications?limit=1000")["deliveries"] if d["id"] > since and d["receiver"] != "alertmanager"]
    keys = [r["key"] for r in received(log) if r["path"] in ("/noc", "/engineering")]
    ours = {d["idempotency_key"] for d in deliveries}
    missing = [d for d in deliveries if d["idempotency_key"] not in keys]
    twice = {k for k in keys if k in ours and keys.count(k) > 1}
    attempts = sum(d["attempts"] for d in deliveries)
    states = {s: sum(1 for d in deliveries if d["state"] == s) for s in ("delivered", "pending", "failed")}
    kinds = ",".join(sorted(k for d in deliveries for k in d["kinds"]))
    print(f"queued={len(deliveries)} ({kinds}) delivered={states['delivered']} pending={states['pending']} failed={states['failed']} "
          f"arrived={len(deliveries) - len(missing)} missing={len(missing)} twice={len(twice)} attempts={attempts}")
elif cmd == "max-id":
    ds = get(f"{base}/api/v1/notifications?limit=1000")["deliveries"]
    print(max([d["id"] for d in ds] or [0]))
PY
q() { python3 "$work/q.py" "$1" "$watch_url" "${@:2}"; }

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
timeout "$limit" prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= > "$work/alertmanager.log" 2>&1 & pids+=($!)
start_receiver
start_watch
timeout "$limit" "$bin" load "http://127.0.0.1:$proxy" --seekers 0 --jobs 500 --rate 40 --duration 800 > "$work/load.txt" 2>&1 & pids+=($!)
echo "warming Watch's baseline for 40 s (replicas ${replica_ports[*]}, proxy $proxy, Watch $watch_url, receiver $receiver_port, Alertmanager $am_port)"
sleep 40

# ---------------------------------------------------------------- latency
since=$(now)
write_config "$hashed"
echo "latency: reload to hashing on source_ip: $(reload)"
read -r incident opened_at <<< "$(q wait-open 30)"
[[ -n ${incident:-} ]] || { echo "no config_skew incident" >&2; tail -20 "$work/watch.log" >&2; exit 1; }
echo "RESULT notify_opened incident=$incident seconds_after_opened_at: $(q arrivals "$work/received.jsonl" "$since" firing "$opened_at" 20)"
sleep 5
since=$(now)
write_config round_robin
echo "latency: revert: $(reload)"
resolved_at=$(q wait-resolved "$incident" 90)
[[ -n $resolved_at ]] || { echo "incident $incident did not resolve" >&2; exit 1; }
echo "RESULT notify_resolved incident=$incident seconds_after_resolved_at: $(q arrivals "$work/received.jsonl" "$since" resolved "$resolved_at" 20)"
sleep 5

# ---------------------------------------------------------------- outage
first=$(q max-id)
echo "outage: receiver stopped"
kill "$receiver_pid"; wait "$receiver_pid" 2>/dev/null || true
down_at=$(now)
write_config "$hashed"
echo "outage: reload to hashing on source_ip: $(reload)"
read -r incident opened_at <<< "$(q wait-open 30)"
echo "outage: incident $incident open; notices pending: $(q pending)"
sleep 15
echo "outage: Watch stopped (SIGTERM) with $(q pending) notices pending"
kill -TERM "$watch_pid"; wait "$watch_timeout" 2>/dev/null || true
sleep 5
start_watch
echo "outage: Watch started again: $(q pending) pending"
write_config round_robin
echo "outage: revert: $(reload)"
q wait-resolved "$incident" 90 > /dev/null
sleep "$(python3 -c "print(max(0, $down_at + 60 - $(date +%s.%N)))")"
start_receiver
back_at=$(now)
echo "outage: receiver back after $(python3 -c "print(round($back_at - $down_at))") s"
for _ in $(seq 600); do [[ $(q pending) == 0 ]] && break; sleep 0.2; done
echo "outage: outbox empty $(python3 -c "print(round($(date +%s.%N) - $back_at, 1))") s after the receiver came back"
echo "RESULT notify_outage $(q outage-check "$work/received.jsonl" "$first")"
