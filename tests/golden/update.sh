#!/usr/bin/env bash
# Writes the reference transcript of every case in scenarios/ (seed 1), from a built hotline:
#   bash tests/golden/update.sh [path/to/hotline]     (default build/hotline)
# Run it only for a change that means to alter what the model does, and read the diff: it is
# what the change did to every case of the library.
set -euo pipefail
cd "$(dirname "$0")/../.."
hotline="${1:-build/hotline}"
for file in scenarios/*.textproto; do
  name="$(basename "$file" .textproto)"
  "$hotline" sim "$file" --seed 1 > "tests/golden/$name.txt"
done
