#!/bin/bash
# Interleaved runs of two link_bench binaries' pipelined 64-byte stream, for judging a change on
# a machine whose speed drifts from minute to minute: medians of acknowledged msg/s and CPU
# ns/msg for each.
#
#   cp build/link_bench /tmp/link_bench_before   # before the change
#   bench/compare_builds.sh /tmp/link_bench_before build/link_bench [rounds, default 8]
set -euo pipefail
before=$1
after=$2
rounds=${3:-8}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for _ in $(seq "$rounds"); do
  "$before" --profile-hotline | awk '{print "before", $5, $8}' >>"$results"
  "$after" --profile-hotline | awk '{print "after", $5, $8}' >>"$results"
done
for build in before after; do
  rate=$(awk -v b="$build" '$1 == b {print $2}' "$results" | median)
  cpu=$(awk -v b="$build" '$1 == b {print $3}' "$results" | median)
  printf '%-6s median %s acked msg/s, %s CPU ns/msg over %s runs\n' "$build" "$rate" "$cpu" "$rounds"
done
