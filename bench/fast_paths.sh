#!/usr/bin/env bash
# The loader's fast paths, each against its plain path, in one interleaved run
# (bench/fast_paths.py): the section split (one pass instead) and wasm count's reduced
# decode (full listeners, reduced afterwards). Usage: bench/fast_paths.sh [SIZE_MB]
# (default 100; RUNS=N rounds, default 9). BENCHMARKS.md keeps the results.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-100}
runs=${RUNS:-9}
cargo build --release --quiet --bin meshscope --example gen_dump --example floor_mmap
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
f=$dir/dump-$mb.json
target/release/examples/gen_dump --size "$mb" --seed 7 > "$f"
echo "## $(du -m "$f" | cut -f1) MB dump, $runs rounds"
python3 bench/fast_paths.py "$runs" target/release/meshscope target/release/examples/floor_mmap "$f"
