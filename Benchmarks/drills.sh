#!/usr/bin/env bash
# Every drill scenario, once, on one fleet: `evenkeel drill all` (three replicas, the balancer, the job-board mix at
# 40 requests/s, a fresh Watch per scenario), then the same skews with Watch rolling them back by itself. Prints the
# drills' tables and the wall time; writes drills.json and drills.html to $OUT (default: a temporary folder).
# Targets: every scenario diagnosed right, skews detected in < 10 s and the rest in < 15 s, notices within 2 s,
# nothing in `clean`, and `drill all` in < 15 minutes on 2 cores.
# The binary is $EVENKEEL (default .build/release/evenkeel; not built here).
# Usage: [EVENKEEL=path] [OUT=folder] Benchmarks/drills.sh
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$(readlink -f "${EVENKEEL:-.build/release/evenkeel}")
[[ -x $bin ]] || { echo "no evenkeel binary at $bin (set EVENKEEL)" >&2; exit 2; }
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
start=$(date +%s)
"$bin" drill all --json "$out/drills.json" --html "$out/drills.html"
all=$?
echo "RESULT drill_all exit=$all wall_seconds=$(( $(date +%s) - start ))"
start=$(date +%s)
"$bin" drill skew-hash --auto-rollback --json "$out/skew-hash-auto.json"
hash=$?
"$bin" drill skew-weight --auto-rollback --json "$out/skew-weight-auto.json"
weight=$?
echo "RESULT drill_auto_rollback exit=$hash,$weight wall_seconds=$(( $(date +%s) - start ))"
echo "reports in $out"
(( all == 0 && hash == 0 && weight == 0 ))
