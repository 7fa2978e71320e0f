#!/usr/bin/env bash
# Watch at scale: one `evenkeel watch` reading a fake balancer admin API (Benchmarks/watch-scale.py) of P pools × B
# backends (50 × 20 unless given) each second for SECONDS (60), whose counters advance with wall time at 50
# requests/s per pool, spread evenly. Prints Watch's CPU as % of one core over the run (utime+stime from
# /proc/PID/stat; target < 100 %: one Watch handles 50 × 20 at 1 s on one core), whether it opened any incident (the
# fake traffic is even, so it should not), how many pools it evaluates, and how regularly it polled (the fake API
# records each /admin/stats request: a poll that overran its second shows as a gap over 1 s). Watch learns a
# baseline of 600 samples per pool (10 minutes at 1 s) and its cost per poll grows as it fills, so the CPU is also
# printed minute by minute; run 720 seconds or more to see the steady state.
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

((${#slices[@]} < 2)) || echo "watch CPU % of one core, minute by minute: ${slices[*]}"
python3 - "$work" "$fake_before" "$pools" "$backends" "$((after - before))" "$hz" "$start" "$end" "$rss" <<'PY'
import json, sys
work, before, pools, backends = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ticks, hz, start, end, rss = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
incidents = json.load(open(f"{work}/incidents.json"))["incidents"]
status = json.load(open(f"{work}/status.json"))
summary = json.load(open(f"{work}/fake-summary.json"))
errors = next((line.split()[-1] for line in open(f"{work}/metrics.txt") if line.startswith("evenkeel_watch_poll_errors_total")), "?")
cpu_seconds, span = ticks / hz, end - start
polls = summary["polls"] - before["polls"]
per_second = polls / span
# Watch polls one second after the previous poll began, or at once when a poll took longer: fewer than one poll a
# second means a poll (the read, decoding and evaluating every pool) took longer than the interval.
keeps_up = per_second >= 0.95
cpu = cpu_seconds / span * 100
verdict = "met" if cpu < 100 and keeps_up else ("NOT met: Watch could not keep its 1 s interval" if not keeps_up else "NOT met")
print(f"RESULT watch_cpu_percent_of_one_core={cpu:.1f} pools={pools} backends={backends} interval=1s over {span:.0f} s "
      f"(target < 100 at one poll a second: {verdict}; peak RSS {rss // 1024} MiB)")
print(f"RESULT watch_scale_polls={polls} in {span:.1f} s ({per_second:.2f}/s, {cpu_seconds / max(polls, 1) * 1000:.0f} ms of Watch CPU per poll; "
      f"gap between polls median {summary['gap_median_s']:.3f} s, max {summary['gap_max_s']:.3f} s, {summary['gaps_over_1_5_s']} over 1.5 s)")
verdict = "as expected" if not incidents else "NOT expected: the fake traffic is even"
print(f"RESULT watch_scale_incidents_opened={len(incidents)} ({verdict})")
for i in incidents:
    print(f"  incident {i['id']}: {i['diagnosis']} ({i['severity']}, {i['state']}) pool {i['pool']}: {i['summary']}")
    for e in i["timeline"]:
        print(f"    {e['at']} {e['kind']}: {e['text']}")
print(f"RESULT watch_scale_pools_evaluated={len(status['pools'])} of {pools}; poll errors {errors}")
print(f"Watch reports no poll duration; the gaps between polls are its visible sign. The fake API wrote "
      f"{summary['bytes'] / 1e6:.2f} MB per stats report and took {summary['answer_median_s'] * 1000:.0f} ms (median) to make one, "
      f"which each poll waits for.")
PY
