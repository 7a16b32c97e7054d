#!/usr/bin/env bash
# Loader benchmark: meshscope vs the parse-only floor on one generated dump, same run.
# Usage: bench/loader.sh [SERVICES]   (10000 services ≈ 120 MB; needs hyperfine, GNU time)
# Prints hyperfine's table (median column included) and each command's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
services=${1:-10000}
cargo build --release --quiet --bin meshscope --example gen_dump --example floor
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
need=$((services * 13 / 1000 + 64))   # MB, with slack
free=$(df -Pm "$dir" | awk 'NR==2 {print $4}')
[ "$free" -gt "$need" ] || { echo "not enough disk in $dir: ${free} MB < ${need} MB" >&2; exit 2; }
target/release/examples/gen_dump "$services" > "$dir/dump.json"
echo "dump: $(du -m "$dir/dump.json" | cut -f1) MB, $services services"
bin=target/release/meshscope
cmds=(
  "target/release/examples/floor $dir/dump.json"
  "$bin pc listener -f $dir/dump.json --port 15006"
  "$bin pc listener -f $dir/dump.json"
  "$bin pc listener -f $dir/dump.json --verbose=false"
)
hyperfine -N -w 1 -r "${RUNS:-7}" --export-json "$dir/h.json" "${cmds[@]}" >/dev/null
python3 - "$dir/h.json" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
floor = res[0]["median"]
print(f"{'median s':>9} {'x floor':>8}  command")
for r in res:
    print(f"{r['median']:9.3f} {r['median'] / floor:8.2f}  {r['command'].split('/')[-1] if 'floor' in r['command'] else r['command']}")
PY
for c in "${cmds[@]}"; do
  /usr/bin/time -f "%M KB peak RSS  $c" $c > /dev/null
done
