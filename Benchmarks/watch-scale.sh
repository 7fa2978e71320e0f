#!/usr/bin/env bash
# Watch at scale: one `evenkeel watch` reading a fake balancer admin API (Benchmarks/watch-scale.py) of P pools × B
# backends (50 × 20 unless given) each second for SECONDS (60), whose counters advance with wall time at 50
# requests/s per pool, spread evenly. Prints Watch's CPU as % of one core over the run (utime+stime from
# /proc/PID/stat; target < 100 %: one Watch handles 50 × 20 at 1 s on one core), whether it opened any incident (the
# fake traffic is even, so it should not), how many pools it evaluates, and how regularly it polled (the fake API
# records each /admin/stats request: a poll that overran its second shows as a gap over 1 s).
# The binary is $EVENKEEL (default .build/release/evenkeel; this script does not build). Everything listens on
# 127.0.0.1 and every process is stopped on exit.
# Usage: [EVENKEEL=path] Benchmarks/watch-scale.sh [seconds] [pools] [backends]
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/common.sh
bin=${EVENKEEL:-.build/release/evenkeel}
seconds=${1:-60}
pools=${2:-50}
backends=${3:-20}
[[ -x $bin ]] || { echo "no evenkeel binary at $bin (set EVENKEEL)" >&2; exit 2; }
bin=$(readlink -f "$bin")
hz=$(getconf CLK_TCK)
start_work
fake_port=$(free_port); watch_port=$(free_port)
watch_url=http://127.0.0.1:$watch_port
ticks() { local f; read -r -a f < "/proc/$1/stat"; echo $((f[13] + f[14])); }

timeout $((seconds + 120)) python3 Benchmarks/watch-scale.py "$fake_port" --pools "$pools" --backends "$backends" \
  > "$work/fake.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$fake_port/admin/events" && break; sleep 0.1; done
timeout $((seconds + 120)) "$bin" watch --balancer "http://127.0.0.1:$fake_port" --listen "127.0.0.1:$watch_port" \
  --db "$work/watch.sqlite" --interval 1s > "$work/watch.log" 2>&1 & watch_timeout=$!; pids+=($watch_timeout)
sleep 0.5
watch_pid=$(pgrep -P "$watch_timeout")
for _ in $(seq 100); do curl -sf -o /dev/null "$watch_url/api/v1/incidents" && break; sleep 0.1; done
echo "fake admin API http://127.0.0.1:$fake_port ($pools pools × $backends backends), Watch $watch_url (pid $watch_pid), ${seconds} s; $(nproc) cores"

start=$(date +%s.%N)
before=$(ticks "$watch_pid")
fake_before=$(curl -s "http://127.0.0.1:$fake_port/fake/summary")
# CPU per minute as well: Watch's baseline fills for 10 minutes (600 samples per pool), so a longer run shows
# whether its cost per poll grows with it.
slices=()
left=$seconds; mark=$before; mark_at=$start
while ((left > 0)); do
  step=$((left < 60 ? left : 60)); sleep "$step"; left=$((left - step))
  t=$(ticks "$watch_pid"); at=$(date +%s.%N)
  slices+=("$(python3 -c "print(f'{($t - $mark) / $hz / ($at - $mark_at) * 100:.0f}')")")
  mark=$t; mark_at=$at
done
after=$mark
end=$mark_at
rss=$(awk '/VmHWM/ {print $2}' "/proc/$watch_pid/status")
curl -s "http://127.0.0.1:$fake_port/fake/summary" > "$work/fake-summary.json"
curl -s "$watch_url/api/v1/incidents?limit=1000" > "$work/incidents.json"
curl -s "$watch_url/api/v1/status" > "$work/status.json"
curl -s "$watch_url/metrics" > "$work/metrics.txt"

cpu=$(python3 -c "print(f'{($after - $before) / $hz / ($end - $start) * 100:.1f}')")
echo "RESULT watch_cpu_percent_of_one_core=$cpu pools=$pools backends=$backends interval=1s over ${seconds} s (target < 100: $(python3 -c "print('met' if $cpu < 100 else 'NOT met')"); peak RSS $((rss / 1024)) MiB)"
((${#slices[@]} < 2)) || echo "watch CPU % of one core, minute by minute: ${slices[*]}"
python3 - "$work" "$fake_before" "$pools" <<'PY'
import json, sys
work, before, pools = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
incidents = json.load(open(f"{work}/incidents.json"))["incidents"]
status = json.load(open(f"{work}/status.json"))
summary = json.load(open(f"{work}/fake-summary.json"))
errors = next((line.split()[-1] for line in open(f"{work}/metrics.txt") if line.startswith("evenkeel_watch_poll_errors_total")), "?")
verdict = "as expected" if not incidents else "NOT expected: the fake traffic is even"
print(f"RESULT watch_scale_incidents_opened={len(incidents)} ({verdict})")
for i in incidents:
    print(f"  incident {i['id']}: {i['diagnosis']} ({i['severity']}, {i['state']}) pool {i['pool']}: {i['summary']}")
    for e in i["timeline"]:
        print(f"    {e['at']} {e['kind']}: {e['text']}")
evaluated = len(status["pools"])
print(f"RESULT watch_scale_pools_evaluated={evaluated} of {pools}; poll errors {errors}")
polls = summary["polls"] - before["polls"]
span = summary["last"] - before["last"] if before.get("last") else None
print(f"RESULT watch_scale_polls={polls} over {span:.1f} s ({polls / span:.2f}/s; gap between polls median {summary['gap_median_s']:.3f} s, "
      f"max {summary['gap_max_s']:.3f} s, {summary['gaps_over_1_5_s']} over 1.5 s; Watch reports no poll duration, "
      f"so the gaps are the visible sign of a poll overrunning its second). Fake API: {summary['bytes'] / 1e6:.2f} MB per stats "
      f"report, {summary['answer_median_s'] * 1000:.0f} ms to generate it (median)")
PY
