#!/usr/bin/env bash
# Counts the Swift runtime's reference-counting calls (swift_retain, swift_release) per proxied request, by the
# function that made each call and the type of the object it was made on. The counts are exact and do not drift
# with the machine's speed, so a change too small for the timing benchmarks (balancer.sh) still shows here, and it
# shows where. Each call is a few nanoseconds, more when the object is shared by both event loops.
#
# The balancer runs in front of one nginx upstream under wrk; uprobes on the two functions record every call's
# return address and the object's type metadata (perf). With OTHER, a second `evenkeel` binary (say, one built
# from an earlier commit), it is measured the same way and the difference is printed, per caller and type.
# Uprobes slow each call down, so requests/s here mean nothing; only the counts do.
#
# Needs root (uprobes) and perf (Debian's linux-perf), installed here if missing, as are wrk and nginx.
# Usage: Benchmarks/runtime-calls.sh [OTHER] [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
other=${1:-}
rows=${2:-30}
source Benchmarks/common.sh
install_missing wrk:wrk nginx:nginx-light perf:linux-perf
build_release
start_work
core=$(ldd "$bin" | awk '/libswiftCore.so/ {print $3}')
[[ -n $core ]] || { echo "$bin does not load libswiftCore.so (static standard library?): nothing to probe" >&2; exit 1; }
up=$(free_port); up2=$(free_port); proxy=$(free_port); admin=$(free_port)
head -c 512 /dev/urandom | base64 > "$work/index.html"
chmod a+rx "$work"  # nginx's workers run as nobody
cat > "$work/up.conf" <<CONF
worker_processes 1; daemon off; pid $work/up.pid; error_log $work/up-error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; server {
  listen 127.0.0.1:$up; listen 127.0.0.1:$up2; root $work; location /healthz { return 200 ok; } } }
CONF
nginx -c "$work/up.conf" -p "$work" & pids+=($!)
cat > "$work/evenkeel.yaml" <<CONF
listeners:
  proxy: { address: 127.0.0.1, port: $proxy }
  admin: { address: 127.0.0.1, port: $admin }
pools:
  - name: bench
    algorithm: round_robin
    backends:
      - { name: up1, address: 127.0.0.1:$up }
      - { name: up2, address: 127.0.0.1:$up2 }
CONF
# The probes are removed on exit, with the scratch folder.
probes="probe_libswiftCore:evenkeel_retain probe_libswiftCore:evenkeel_release"
perf probe -q -d 'probe_libswiftCore:evenkeel_*' 2>/dev/null || true
perf probe -q -x "$core" --add 'evenkeel_retain=swift_retain type=+0(%di):x64 caller=+0(%sp):x64'
perf probe -q -x "$core" --add 'evenkeel_release=swift_release type=+0(%di):x64 caller=+0(%sp):x64'
trap 'perf probe -q -d "probe_libswiftCore:evenkeel_*" 2>/dev/null; for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"' EXIT

# measure NAME BINARY: runs BINARY with two threads, warms it up, records the calls of 2 s of wrk -c8.
measure() {
  local name=$1 binary=$2
  "$binary" balance --threads 2 --config "$work/evenkeel.yaml" > "$work/$name.log" 2>&1 &
  local pid=$! tries=0
  pids+=($pid)  # stopped on exit if this fails halfway
  until curl -sf -o /dev/null "http://127.0.0.1:$proxy/index.html"; do
    sleep 0.2; tries=$((tries + 1))
    if ((tries > 50)) || ! kill -0 "$pid" 2>/dev/null; then echo "$binary did not start:" >&2; cat "$work/$name.log" >&2; exit 1; fi
  done
  wrk -t 1 -c 8 -d 1s "http://127.0.0.1:$proxy/index.html" > /dev/null
  grep -m1 " $(readlink -f "$binary")$" "/proc/$pid/maps" | cut -d- -f1 > "$work/$name.base"
  perf record -q $(printf -- '-e %s ' $probes) -p "$pid" -o "$work/$name.data" -- sleep 3 > /dev/null 2>&1 &
  local recorder=$!
  sleep 0.2
  wrk -t 1 -c 8 -d 2s "http://127.0.0.1:$proxy/index.html" | awk '/requests in/ {print $1}' > "$work/$name.requests"
  wait "$recorder" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  perf script -i "$work/$name.data" -F event,trace 2>/dev/null > "$work/$name.calls"
  nm -n "$binary" > "$work/$name.symbols"
}
measure this "$bin"
[[ -n $other ]] && measure other "$other"

python3 - "$work" "$rows" ${other:+other} <<'PY'
import bisect, collections, re, subprocess, sys
work, rows, compare = sys.argv[1], int(sys.argv[2]), len(sys.argv) > 3

def load(name):
    base = int(open(f"{work}/{name}.base").read().strip(), 16)
    requests = int(open(f"{work}/{name}.requests").read())
    addresses, symbols = [], []
    for line in open(f"{work}/{name}.symbols"):
        parts = line.split()
        if len(parts) >= 3:
            addresses.append(int(parts[0], 16)); symbols.append(parts[2])
    def symbol(address):  # the binary's symbol at or below `address`, nil outside it (the runtime, the heap)
        offset = address - base
        i = bisect.bisect_right(addresses, offset) - 1
        return symbols[i] if 0 <= offset <= addresses[-1] and i >= 0 else None
    counts = collections.Counter()
    for line in open(f"{work}/{name}.calls"):
        m = re.search(r"evenkeel_(retain|release).*type=0x([0-9a-f]+) caller=0x([0-9a-f]+)", line)
        if m:
            caller = symbol(int(m.group(3), 16)) or "(Swift runtime or libc)"
            kind = symbol(int(m.group(2), 16)) or "(type made at run time, or the runtime's)"
            counts[(m.group(1), caller, kind)] += 1
    return {key: n / requests for key, n in counts.items()}, requests

names = {}
def readable(symbol):
    if symbol not in names:
        out = subprocess.run(["swift", "demangle", "--simplified", "--compact", symbol], capture_output=True, text=True).stdout.strip()
        names[symbol] = out or symbol
    return names[symbol]

def show(per_request, heading):
    print(heading)
    for (kind, caller, type_), n in sorted(per_request.items(), key=lambda item: -abs(item[1]))[:rows]:
        if abs(n) < 0.05: break
        print(f"{n:+8.2f}  {kind:7}  {readable(caller)[:80]:80}  {readable(type_)[:48]}")

this, n_this = load("this")
total = lambda calls, kind: sum(n for (k, _, _), n in calls.items() if k == kind)
print(f"this build: {total(this, 'retain'):.1f} retains and {total(this, 'release'):.1f} releases per request ({n_this} requests)")
if compare:
    other, n_other = load("other")
    print(f"other:      {total(other, 'retain'):.1f} retains and {total(other, 'release'):.1f} releases per request ({n_other} requests)")
    difference = {key: this.get(key, 0) - other.get(key, 0) for key in set(this) | set(other)}
    show(difference, "\nthis build minus other, per request (caller, object type):")
else:
    show(this, "\nper request (caller, object type):")
PY
