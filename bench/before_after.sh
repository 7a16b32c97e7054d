#!/usr/bin/env bash
# Every command of bench/run.sh timed with two builds in one interleaved run
# (bench/interleave.py): OLD_BIN (a release build of an earlier commit) against this
# checkout's release build, on the same generated dump. Usage:
#   bench/before_after.sh OLD_BIN [SIZE_MB]     (default 300; RUNS=N rounds, default 11)
# A refactor that must not change speed (issue #18) is checked with it; BENCHMARKS.md keeps
# the results.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1
mb=${2:-300}
runs=${RUNS:-11}
cargo build --release --quiet --bin meshscope --example gen_dump --example floor \
  --example floor_mmap --example floor_huge
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
f=$dir/dump-$mb.json
ex=$PWD/target/release/examples
new=$PWD/target/release/meshscope
"$ex/gen_dump" --size "$mb" --seed 7 > "$f"
actual=$(du -m "$f" | cut -f1)
echo "## ${actual} MB dump, $runs rounds"
pairs=("floor (read)=$ex/floor $f" "floor (mmap)=$ex/floor_mmap $f" "floor (huge-page read)=$ex/floor_huge $f")
for c in "pc listener -f $f --port 15006" "pc ecds -f $f" "wasm count -f $f" \
         "explain -f $f --port 15006" "pc listener -f $f" "diff -f $f -f $f"; do
  pairs+=("before: $c=$old $c" "after: $c=$new $c")
done
python3 bench/interleave.py "$runs" "$actual" "${pairs[@]}"
