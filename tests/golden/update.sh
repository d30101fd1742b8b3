#!/usr/bin/env bash
# Writes the reference transcript of every case in scenarios/ (seed 1), and the SHA-256 of its
# JSON records (seeds 1 to 10), from a built hotline:
#   bash tests/golden/update.sh [path/to/hotline]     (default build/hotline)
# Run it only for a change that means to alter what the model does, and read the diff: it is
# what the change did to every case of the library.
set -euo pipefail
cd "$(dirname "$0")/../.."
hotline="${1:-build/hotline}"
digests="tests/golden/records.sha256"
: > "$digests"
for file in scenarios/*.textproto; do
  name="$(basename "$file" .textproto)"
  "$hotline" sim "$file" --seed 1 > "tests/golden/$name.txt"
  # Every record at full precision, for ten seeds: what two-decimal text would not show.
  for seed in 1 2 3 4 5 6 7 8 9 10; do
    echo "$name $seed $("$hotline" sim "$file" --seed "$seed" --json | sha256sum | cut -d' ' -f1)" \
      >> "$digests"
  done
done
