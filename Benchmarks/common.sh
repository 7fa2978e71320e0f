# Sourced by the benchmark scripts: installs the peers they compare against from Debian's packages, builds the
# release `evenkeel`, gives a scratch folder whose processes are stopped on exit, and finds free ports.

export DEBIAN_FRONTEND=noninteractive

# install_missing COMMAND:PACKAGE…: installs each package whose command is not on this machine.
install_missing() {
  local need=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
  done
  if ((${#need[@]})); then apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; fi
}

# Builds the release binary and sets $bin to it; with $EVENKEEL set, uses that binary instead (e.g. a copy of an
# earlier build, to compare before and after a change in one sitting).
build_release() {
  if [ -n "${EVENKEEL:-}" ]; then
    bin=$EVENKEEL
    [ -x "$bin" ] || { echo "no evenkeel binary at $bin" >&2; exit 2; }
    return
  fi
  swift build -c release --product evenkeel >/dev/null
  bin=$(swift build -c release --show-bin-path)/evenkeel
}

# Makes $work, a scratch folder; processes appended to $pids are stopped and the folder removed on exit.
start_work() {
  work=$(mktemp -d)
  # mktemp makes the folder for its owner only; nginx's workers run as another user and must read the files the
  # upstreams serve from it, or every request is answered 403 (as it was until 2026-12-05).
  chmod 755 "$work"
  pids=()
  trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"' EXIT
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# require_success OUTPUT NAME: stops the benchmark when wrk or h2load (OUTPUT is its report) counted any response
# that was not 2xx or 3xx, or h2load finished no request, so an error page is never measured as if it were the work.
require_success() {
  local failed
  failed=$(grep -E "Non-2xx or 3xx responses" "$1" || true)
  if grep -q "^requests:" "$1"; then
    failed=$(awk '/^requests:/ && ($8 == 0 || $10 != 0)' "$1")
    [[ -z $failed ]] || failed="$failed $(grep "^status codes:" "$1")"
  fi
  if [[ -n $failed ]]; then
    echo "$2: $(echo "$failed" | tr -s ' ') - not measuring errors; stopping" >&2
    exit 1
  fi
}
