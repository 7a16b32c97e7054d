#!/usr/bin/env bash
# meshscope benchmark: every command against the parse-only floors and jq, on the same
# generated dumps, in one run. Reports the median wall time of RUNS runs (default 5) and
# the peak RSS of each command. Usage: bench/run.sh [SIZE_MB…]   (default: 10 100 300)
# Needs hyperfine, jq and GNU time: `apt-get install hyperfine jq time`. NO_JQ=1 skips jq.
# After the hyperfine table of every command, the floors, the four commands of issue #9 and
# `pc listener`
# are timed again in interleaved rounds (bench/interleave.py), which a shift of load between
# commands does not skew. QUICK=1 gives only that table (for the 1 GB dump).
# STARTUP=1 also times `--version` and `pc listener` on a ~10 KB dump (hyperfine, warmed).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ $# -gt 0 ] || sizes=(10 100 300)
runs=${RUNS:-5}
cargo build --release --quiet --bin meshscope --example gen_dump --example floor \
  --example floor_mmap --example floor_huge
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bin=$PWD/target/release/meshscope
ex=$PWD/target/release/examples
listeners='.configs[] | select(."@type" | endswith("ListenersConfigDump")) | .dynamic_listeners[]?.active_state.listener'

for mb in "${sizes[@]}"; do
  free=$(df -Pm "$dir" | awk 'NR==2 {print $4}')
  if [ "$free" -lt $((mb * 2 + 256)) ]; then
    echo "skipping ${mb} MB: only ${free} MB free in $dir" >&2
    continue
  fi
  f=$dir/dump-$mb.json
  "$ex/gen_dump" --size "$mb" --seed 7 > "$f"
  actual=$(du -m "$f" | cut -f1)
  echo "## ${actual} MB dump"
  names=("floor (read)" "floor (mmap)" "floor (huge-page read)" "pc listener --port 15006"
         "pc ecds" "wasm count" "explain --port 15006" "pc listener" "diff F F"
         "jq: port 15006 chain matches" "jq: listener names" "jq: ECDS names" "jq: count config_discovery filters")
  cmds=(
    "$ex/floor $f"
    "$ex/floor_mmap $f"
    "$ex/floor_huge $f"
    "$bin pc listener -f $f --port 15006"
    "$bin pc ecds -f $f"
    "$bin wasm count -f $f"
    "$bin explain -f $f --port 15006"
    "$bin pc listener -f $f"
    "$bin diff -f $f -f $f"
    "jq -c '$listeners | select(.address.socket_address.port_value == 15006) | .filter_chains[].filter_chain_match' $f"
    "jq -c '$listeners | .name' $f"
    "jq -c '.configs[] | select(.\"@type\" | endswith(\"EcdsConfigDump\")) | .ecds_filters[].ecds_filter.name' $f"
    "jq -c '[.. | objects | select(has(\"config_discovery\")) | .name] | group_by(.) | map({(.[0]): length}) | add' $f"
  )
  pairs=()
  for i in 0 1 2 3 4 5 6 7; do pairs+=("${names[$i]}=${cmds[$i]}"); done
  if [ -n "${QUICK:-}" ]; then
    python3 bench/interleave.py "$runs" "$actual" "${pairs[@]}"
    echo
    rm -f "$f"
    continue
  fi
  if [ -n "${NO_JQ:-}" ]; then names=("${names[@]:0:9}"); cmds=("${cmds[@]:0:9}"); fi
  # -i: a command that exits non-zero (e.g. a subcommand this build lacks) is still timed.
  hyperfine -i -w 1 -r "$runs" --export-json "$dir/h.json" "${cmds[@]}" >/dev/null 2>&1
  rss=()
  for c in "${cmds[@]}"; do
    rss+=("$( { /usr/bin/time -f '%M' bash -c "$c > /dev/null 2>&1" ; } 2>&1 | tail -1 )")
  done
  python3 - "$dir/h.json" "$actual" "${names[@]}" -- "${rss[@]}" <<'PY'
import json, sys
args = sys.argv[1:]
res = json.load(open(args[0]))["results"]
size = float(args[1])
sep = args.index("--")
names, rss = args[2:sep], args[sep + 1:]
# "The faster floor" of issue #9 is the fastest of the three floors; the four commands of
# the issue are also given against `pc listener --port 15006`.
floor = min(r["median"] for r in res[:3])
listener = res[3]["median"]
print("| command | median s | × faster floor | × pc listener --port | peak RSS MB | RSS ÷ file |")
print("|---|---:|---:|---:|---:|---:|")
for name, r, m in zip(names, res, rss):
    mb = int(m) / 1024
    print(f"| {name} | {r['median']:.3f} | {r['median'] / floor:.2f} | "
          f"{r['median'] / listener:.2f} | {mb:.0f} | {mb / size:.2f} |")
PY
  echo
  echo "Issue #9 commands in interleaved rounds:"
  echo
  python3 bench/interleave.py "$runs" "$actual" "${pairs[@]}"
  echo
  rm -f "$f"
done

if [ -n "${STARTUP:-}" ]; then
  small=$dir/small.json
  "$ex/gen_dump" --services 1 --seed 7 > "$small"
  echo "## startup ($(du -k "$small" | cut -f1) KB dump)"
  hyperfine -N -w 10 -r 50 --export-json "$dir/s.json" "$bin --version" \
    "$bin pc listener -f $small" >/dev/null 2>&1
  python3 - "$dir/s.json" <<'PY'
import json, sys
print("| command | median ms | max ms |")
print("|---|---:|---:|")
names = ["meshscope --version", "meshscope pc listener -f small.json"]
for name, r in zip(names, json.load(open(sys.argv[1]))["results"]):
    print(f"| {name} | {r['median'] * 1000:.1f} | {r['max'] * 1000:.1f} |")
PY
fi
