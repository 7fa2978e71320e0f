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

# Builds the release binary and sets $bin to it.
build_release() {
  swift build -c release --product evenkeel >/dev/null
  bin=$(swift build -c release --show-bin-path)/evenkeel
}

# Makes $work, a scratch folder; processes appended to $pids are stopped and the folder removed on exit.
start_work() {
  work=$(mktemp -d)
  pids=()
  trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"' EXIT
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
