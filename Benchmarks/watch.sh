#!/usr/bin/env bash
# Watch benchmark, end to end on one machine: three `evenkeel serve` replicas on one seeded SQLite file (2,000 jobs),
# the balancer in front (the pool `evenkeel up` writes: round robin, /readyz checks every 2 s, slow start 10 s), and
# `evenkeel watch` on its admin API as a process of its own, so its CPU can be read from /proc/PID/stat. Phases:
#   quiet        QUIET_SECONDS (600) of the job-board mix at a rate wandering ±30 % around 60/s (20-second steps),
#                one replica restarted a third of the way in (SIGTERM, 2 s pause, started again on its port).
#                Incidents opened (target 0) and Watch's CPU as % of one core over the phase (target < 5 %).
#   skew-hash    with the load on, the pool switched to `consistent_hash` on `source_ip` and reloaded: seconds from
#                the reload's reply to an open `config_skew` incident (target < 10 s), whether its
#                config_change.diff names the change; reverted, and the seconds until the incident resolves.
#   skew-weight  replica-2's weight raised to 4 and reloaded (the reload checker may refuse it: that is reported,
#                and weight 3 tried instead); seconds to a `config_skew` incident; reverted, until resolved.
#   down         replica-3 killed with SIGKILL: seconds to a `backend_down` incident (target < 15 s); restarted,
#                until resolved.
# Then the time the equivalent Prometheus alerts of `evenkeel rules` need at best (their `for:` plus the 1-minute
# rate window), and the ratios. Result lines start with RESULT; everything else is progress.
# The binary is $EVENKEEL (default .build/release/evenkeel; this script does not build). Everything listens on
# 127.0.0.1 and every process is stopped on exit.
# Usage: [EVENKEEL=path] [QUIET_SECONDS=600] [KEEP_WORK=1] Benchmarks/watch.sh   (KEEP_WORK keeps the logs and databases)
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
bin=${EVENKEEL:-.build/release/evenkeel}
quiet_seconds=${QUIET_SECONDS:-600}
[[ -x $bin ]] || { echo "no evenkeel binary at $bin (set EVENKEEL)" >&2; exit 2; }
bin=$(readlink -f "$bin")
hz=$(getconf CLK_TCK)
# Every process is bounded: replicas stop with this script (--parent-pid), the rest under `timeout`.
limit=$((quiet_seconds + 1800))

work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do   # replicas drain for 2 s before they stop
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [[ -n ${KEEP_WORK:-} ]]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

replica_ports=()
for _ in 1 2 3; do
  port=$(free_port); while [[ " ${replica_ports[*]} " == *" $port "* ]]; do port=$(free_port); done; replica_ports+=("$port")
done
proxy=$(free_port); admin=$(free_port); watch_port=$(free_port)
config=$work/balancer.yaml
watch_url=http://127.0.0.1:$watch_port
now() { date +%s.%N; }
ticks() { local f; read -r -a f < "/proc/$1/stat"; echo $((f[13] + f[14])); }

# write_config ALGORITHM WEIGHT1 WEIGHT2 WEIGHT3: the pool `evenkeel up` writes (LocalBalancerConfig), on these ports.
write_config() {
  cat > "$config" <<EOF
listeners:
  proxy: { address: 127.0.0.1, port: $proxy }
  admin: { address: 127.0.0.1, port: $admin }
pools:
  - name: jobboard
    path_prefix: /
    algorithm: $1
    health:
      path: /readyz
      interval: 2s
      timeout: 1s
      rise: 2
      fall: 2
    retry:
      attempts: 2
      budget_percent: 20
    slow_start: 10s
    backends:
      - name: replica-1
        address: 127.0.0.1:${replica_ports[0]}
        weight: $2
      - name: replica-2
        address: 127.0.0.1:${replica_ports[1]}
        weight: $3
      - name: replica-3
        address: 127.0.0.1:${replica_ports[2]}
        weight: $4
EOF
}

# Reads Watch's API: waits for incidents, describes them. Times are seconds since 1970 (the shell's `date +%s.%N`).
cat > "$work/q.py" <<'PY'
import datetime, json, sys, time, urllib.request

def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)

def incidents(base, states=""):
    return get(f"{base}/api/v1/incidents?limit=1000" + (f"&state={states}" if states else ""))["incidents"]

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
        time.sleep(0.2)
    return None

def describe(i):
    print(f"  incident {i['id']}: {i['diagnosis']} ({i['severity']}, {i['state']}) pool {i['pool']} backends {i['backends']}")
    print(f"    opened {i['opened_at']}, resolved {i['resolved_at']}")
    print(f"    summary: {i['summary']}")
    if i.get("config_change"):
        print(f"    config_change: {i['config_change']['diff']} at {i['config_change']['at']}")
    for e in i["timeline"]:
        print(f"    {e['at']} {e['kind']}: {e['text']}")

cmd, base = sys.argv[1], sys.argv[2]
if cmd == "ids":                      # every incident's id
    print(" ".join(str(i["id"]) for i in incidents(base)))
elif cmd == "wait-up":                # Watch answers and has evaluated the pool
    ok = poll(lambda: True if "jobboard" in get(f"{base}/api/v1/status")["pools"] else None, float(sys.argv[3]))
    sys.exit(0 if ok else 1)
elif cmd == "wait-quiet":             # no incident open or acknowledged
    ok = poll(lambda: True if not incidents(base, "open,acknowledged") else None, float(sys.argv[3]))
    sys.exit(0 if ok else 1)
elif cmd == "wait-open":              # DIAGNOSIS T0 TIMEOUT EXCLUDED-IDS: a new active incident with that diagnosis
    diagnosis, t0, timeout = sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    excluded = {int(x) for x in sys.argv[6].split()} if len(sys.argv) > 6 else set()
    def check():
        for i in incidents(base, "open,acknowledged"):
            if i["id"] not in excluded and i["diagnosis"] == diagnosis:
                return i
    found = poll(check, timeout)
    if found is None:
        print(json.dumps({"seconds": None}))
        sys.exit(1)
    changes = [e["text"] for e in found["timeline"] if e["kind"] == "diagnosis_changed"]
    first = changes[0].split(" → ")[0].removeprefix("Diagnosis ") if changes else found["diagnosis"]
    print(json.dumps({
        "seconds": round(time.time() - t0, 1), "id": found["id"], "opened_after": round(when(found["opened_at"]) - t0, 1),
        "first_diagnosis": first,
        "diff": (found.get("config_change") or {}).get("diff"), "summary": found["summary"]}))
elif cmd == "wait-resolved":          # ID T0 TIMEOUT
    ident, t0, timeout = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    found = poll(lambda: next((i for i in incidents(base) if i["id"] == ident and i["state"] == "resolved"), None), timeout)
    if found is None:
        print(json.dumps({"seconds": None}))
        sys.exit(1)
    print(json.dumps({"seconds": round(time.time() - t0, 1), "resolved_after": round(when(found["resolved_at"]) - t0, 1)}))
elif cmd == "opened-between":         # FROM TO: incidents opened in [FROM, TO], described
    start, end = float(sys.argv[3]), float(sys.argv[4])
    chosen = [i for i in incidents(base) if start <= when(i["opened_at"]) <= end]
    print(len(chosen))
    for i in sorted(chosen, key=lambda i: i["id"]):
        describe(i)
elif cmd == "describe":               # ID…
    wanted = {int(x) for x in sys.argv[3:]}
    for i in sorted(incidents(base), key=lambda i: i["id"]):
        if i["id"] in wanted:
            describe(i)
PY
q() { python3 "$work/q.py" "$1" "$watch_url" "${@:2}"; }
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"; }

# Reload: prints the reply's result; the whole reply is in $work/reload.json.
reload() {
  curl -s -X POST "http://127.0.0.1:$admin/admin/reload" > "$work/reload.json"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["result"])' "$work/reload.json"
}
reload_detail() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("diff: %s; error: %s; warnings: %s" % (r.get("diff"), r.get("error"), "; ".join(r.get("warnings") or []) or "none"))' "$work/reload.json"
}

# start_replica N (0-based): one `evenkeel serve` on its port; waits for /readyz.
replica_pids=()
start_replica() {
  local n=$1
  "$bin" serve --db "sqlite:$work/jobs.sqlite" --port "${replica_ports[$n]}" --replica-name "replica-$((n + 1))" \
    --no-rate-limits --parent-pid $$ >> "$work/replica-$n.log" 2>&1 &
  replica_pids[$n]=$!
  pids+=($!)
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:${replica_ports[$n]}/readyz" && return 0
    sleep 0.1
  done
  echo "replica-$((n + 1)) did not start:" >&2; tail -5 "$work/replica-$n.log" >&2; exit 1
}
# stopped PID: waits for a replica this script stopped and forgets it, so cleanup never signals a reused pid.
stopped() {
  wait "$1" 2>/dev/null || true
  local kept=() pid
  for pid in "${pids[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  pids=("${kept[@]}")
}
wait_all_healthy() {
  for _ in $(seq 150); do
    curl -sf "http://127.0.0.1:$admin/admin/stats" 2>/dev/null \
      | python3 -c 'import json,sys; b=json.load(sys.stdin)["pools"][0]["backends"]; sys.exit(0 if all(x["state"]=="healthy" for x in b) else 1)' \
      && return 0
    sleep 0.2
  done
  echo "the backends did not all become healthy" >&2; exit 1
}

echo "seeding 2,000 jobs…"
"$bin" seed --db "sqlite:$work/jobs.sqlite" --jobs 2000 > /dev/null
for n in 0 1 2; do start_replica "$n"; done
write_config round_robin 1 1 1
timeout "$limit" "$bin" balance --config "$config" > "$work/balancer.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$proxy/readyz" && break; sleep 0.1; done
wait_all_healthy
timeout "$limit" "$bin" watch --balancer "http://127.0.0.1:$admin" --listen "127.0.0.1:$watch_port" --db "$work/watch.sqlite" \
  > "$work/watch.log" 2>&1 & watch_timeout=$!; pids+=($watch_timeout)
sleep 0.5
watch_pid=$(pgrep -P "$watch_timeout")
q wait-up 30 || { echo "Watch did not start:" >&2; tail -5 "$work/watch.log" >&2; exit 1; }
echo "replicas on ${replica_ports[*]}, balancer proxy $proxy admin $admin, Watch $watch_url (pid $watch_pid); $(nproc) cores"

# ---------------------------------------------------------------- quiet
# 20-second steps wandering between 42 and 78 requests/s (60 ± 30 %).
pattern=(60 72 78 65 52 42 48 63 75 57 45 68)
steps=()
for ((i = 0; i * 20 < quiet_seconds; i++)); do steps+=("${pattern[$((i % ${#pattern[@]}))]}"); done
steps_csv=$(IFS=,; echo "${steps[*]}")
echo "quiet: ${quiet_seconds} s, rates ${steps_csv} (20 s each); replica-2 restarted at $((quiet_seconds / 3)) s"
quiet_start=$(now)
cpu_before=$(ticks "$watch_pid")
timeout $((quiet_seconds + 60)) "$bin" load "http://127.0.0.1:$proxy" --seekers 0 --jobs 2000 --steps "$steps_csv" \
  --step-seconds 20 --duration "$quiet_seconds" --json "$work/quiet-load.json" > "$work/quiet-load.txt" 2>&1 & load_pid=$!; pids+=($load_pid)
sleep $((quiet_seconds / 3))
echo "quiet: SIGTERM replica-2 at $(python3 -c "print(round($(now) - $quiet_start))") s"
# replica-2 as the balancer sees it, twice a second for 45 s from the SIGTERM.
timeout 45 bash -c 'while :; do echo "$(date +%s.%N) $(curl -s "$0/admin/stats" | tr -d "\n ")"; sleep 0.5; done' \
  "http://127.0.0.1:$admin" > "$work/restart-states.txt" 2>/dev/null & pids+=($!)
restart_at=$(now)
kill -TERM "${replica_pids[1]}"
stopped "${replica_pids[1]}"
sleep 2
start_replica 1
echo "quiet: replica-2 ready again at $(python3 -c "print(round($(now) - $quiet_start))") s"
sleep "$(python3 -c "print(max(0, $quiet_start + $quiet_seconds - $(now)))")"
quiet_end=$(now)
cpu_after=$(ticks "$watch_pid")
wait "$load_pid" || true
python3 - "$work/restart-states.txt" "$restart_at" <<'PY'
import json, sys
seen, last = [], None
for line in open(sys.argv[1]):
    t, _, doc = line.partition(" ")
    try:
        b = next(x for x in json.loads(doc)["pools"][0]["backends"] if x["name"] == "replica-2")
    except (ValueError, StopIteration, KeyError, IndexError):
        continue
    if b["state"] != last:
        seen.append(f"{float(t) - float(sys.argv[2]):.1f} s {b['state']} (connect errors {b['connect_errors']}, effective weight {b['effective_weight']:.2f})")
    last = b["state"]
print("quiet: replica-2 as the balancer saw it after the SIGTERM: " + "; ".join(seen))
PY
q opened-between "$quiet_start" "$quiet_end" > "$work/quiet-incidents.txt"
opened=$(head -1 "$work/quiet-incidents.txt")
before_quiet=$(q opened-between 0 "$quiet_start" | head -1)
cpu=$(python3 -c "print(f'{($cpu_after - $cpu_before) / $hz / ($quiet_end - $quiet_start) * 100:.2f}')")
python3 - "$work/quiet-load.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
shares = ", ".join(f"{b['name']} {b['share'] * 100:.1f}%" for b in r["backends"])
print(f"RESULT quiet_load requests={r['requests']} achieved={r['achieved_rate']:.1f}/s p50={r['latency']['p50']:.1f}ms "
      f"p99={r['latency']['p99']:.1f}ms errors={r['error_rate'] * 100:.2f}% shares: {shares}")
PY
echo "RESULT quiet_incidents_opened=$opened in ${quiet_seconds} s, one replica restart (target 0: $([[ $opened == 0 ]] && echo met || echo NOT met))"
[[ $before_quiet == 0 ]] || echo "note: $before_quiet incident(s) opened before the quiet phase began"
tail -n +2 "$work/quiet-incidents.txt"
echo "RESULT watch_cpu_percent_of_one_core=$cpu over the quiet phase (1 pool × 3 backends, 1 s interval; target < 5: $(python3 -c "print('met' if $cpu < 5 else 'NOT met')"))"

# The phases below run under a steady 60/s (bounded; stopped when they are done).
timeout $((limit - quiet_seconds)) "$bin" load "http://127.0.0.1:$proxy" --seekers 0 --jobs 2000 --rate 60 --duration 1500 \
  > "$work/steady-load.txt" 2>&1 & steady_pid=$!; pids+=($steady_pid)
sleep 2
if ! q wait-quiet 180; then echo "note: an incident was still open 3 minutes after the quiet phase; going on"; fi
sleep 10

# phase_skew NAME: after a reload that should skew: the time to config_skew, the diff, the revert and its resolution.
# Globals in: $t0 (reload reply), $excluded (ids before). Sets $skew_seconds.
skew_seconds=""
detect_skew() {
  local name=$1 expect=$2 found seconds id diff
  if found=$(q wait-open config_skew "$t0" 60 "$excluded"); then
    seconds=$(field "$found" seconds); id=$(field "$found" id); diff=$(field "$found" diff)
    local names=no; [[ $diff == *"$expect"* ]] && names=yes
    echo "RESULT ${name}_detect_seconds=$seconds (incident $id opened $(field "$found" opened_after) s after the reload reply; target < 10: $(python3 -c "print('met' if $seconds < 10 else 'NOT met')"))"
    echo "RESULT ${name}_diff_names_change=$names (config_change.diff: ${diff:-none})"
    echo "$name: $(field "$found" summary)"
    skew_seconds=$seconds
    skew_id=$id
  else
    echo "RESULT ${name}_detect_seconds=none within 60 s (target < 10: NOT met)"
    q describe $(q ids)
    skew_id=""
  fi
}
resolve() {
  local name=$1 id=$2 found
  [[ -n $id ]] || return 0
  if found=$(q wait-resolved "$id" "$t0" 120); then
    echo "RESULT ${name}_resolve_seconds=$(field "$found" seconds) after the fix (Watch resolves after 15 s of normal signals over a 5 s window)"
  else
    echo "RESULT ${name}_resolve_seconds=none within 120 s"
    q describe "$id"
  fi
}

# ---------------------------------------------------------------- skew-hash
excluded=$(q ids)
write_config "{ type: consistent_hash, key: source_ip }" 1 1 1
result=$(reload); t0=$(now)
echo "skew-hash: reload $result; $(reload_detail)"
detect_skew skew_hash consistent_hash
hash_seconds=$skew_seconds
write_config round_robin 1 1 1
result=$(reload); t0=$(now)
echo "skew-hash: reverted, reload $result"
resolve skew_hash "$skew_id"
q wait-quiet 120 || true
sleep 10

# ---------------------------------------------------------------- skew-weight
excluded=$(q ids)
weight=4
write_config round_robin 1 4 1
result=$(reload); t0=$(now)
if [[ $result == refused ]]; then
  echo "RESULT skew_weight_4_reload=refused ($(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("error"))' "$work/reload.json"))"
  sleep 10
  if [[ $(q ids) != "$excluded" ]]; then echo "note: an incident opened after the refused reload:"; q describe $(q ids); fi
  weight=3
  write_config round_robin 1 3 1
  result=$(reload); t0=$(now)
fi
echo "skew-weight: replica-2 weight $weight, reload $result; $(reload_detail)"
if [[ $result == applied ]]; then
  detect_skew "skew_weight_$weight" "replica-2"
  write_config round_robin 1 1 1
  result=$(reload); t0=$(now)
  echo "skew-weight: reverted, reload $result"
  resolve "skew_weight_$weight" "$skew_id"
else
  echo "RESULT skew_weight_${weight}_reload=$result ($(reload_detail))"
fi
q wait-quiet 120 || true
sleep 10

# ---------------------------------------------------------------- down
excluded=$(q ids)
kill -KILL "${replica_pids[2]}"; t0=$(now)
{ stopped "${replica_pids[2]}"; } 2>/dev/null
echo "down: replica-3 killed (SIGKILL)"
down_seconds=""
if found=$(q wait-open backend_down "$t0" 60 "$excluded"); then
  down_seconds=$(field "$found" seconds); down_id=$(field "$found" id)
  echo "RESULT down_detect_seconds=$down_seconds (incident $down_id opened $(field "$found" opened_after) s after the kill as $(field "$found" first_diagnosis); target < 15: $(python3 -c "print('met' if $down_seconds < 15 else 'NOT met')"))"
  echo "down: $(field "$found" summary)"
else
  down_id=""
  echo "RESULT down_detect_seconds=none within 60 s (target < 15: NOT met)"
  q describe $(q ids)
fi
start_replica 2; t0=$(now)
echo "down: replica-3 started again"
resolve down "$down_id"
[[ -z $down_id ]] || q describe "$down_id"

# ---------------------------------------------------------------- Prometheus, for comparison
"$bin" rules > "$work/rules.yml"
python3 - "$work/rules.yml" "${hash_seconds:-}" "${down_seconds:-}" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def seconds(d):
    return sum(float(n) * {"s": 1, "m": 60, "h": 3600}[u] for n, u in re.findall(r"([\d.]+)([smh])", d))
def alert(name):
    block = re.search(rf"- alert: {name}\n(.*?)(?=\n      - alert:|\Z)", text, re.S).group(1)
    hold = re.search(r"^\s+for:\s*(\S+)", block, re.M).group(1)
    # The 1-minute rate window, when the expression reads one (directly or through a `:1m` recording rule).
    window = 60 if re.search(r"\[1m\]|:1m\b", block) else 0
    return hold, window
for name, diagnosis, watch in (("EvenkeelConfigSkew", "config_skew", sys.argv[2]), ("EvenkeelBackendDown", "backend_down", sys.argv[3])):
    hold, window = alert(name)
    best = seconds(hold) + window
    how = f"1m rate + for: {hold}" if window else f"for: {hold}; a state gauge, no rate window"
    print(f"RESULT prometheus_rule {diagnosis} >= {best:.0f} s ({how})")
    if watch:
        print(f"RESULT ratio {diagnosis} prometheus/watch >= {best / float(watch):.0f}x ({best:.0f} s vs {float(watch):.1f} s)")
PY
