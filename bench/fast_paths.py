#!/usr/bin/env python3
"""Times each loader fast path against its plain path, in interleaved rounds.

Usage: fast_paths.py RUNS BIN FLOOR_MMAP DUMP. Every round runs each command once, in a
rotated order, after one warm-up round (as bench/interleave.py). The plain paths are the
same binary with `MESHSCOPE_PLAIN` set (src/envoy/dump/plain_paths.rs). Prints a Markdown
table of medians, and each fast path's gain over its plain path.
"""

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from interleave import run_once  # noqa: E402


def main():
    runs, binary, floor, dump = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    port = [binary, "pc", "listener", "-f", dump, "--port", "15006"]
    wasm = [binary, "wasm", "count", "-f", dump]
    commands = [
        ("floor (mmap)", "", [floor, dump]),
        ("pc listener --port 15006", "", port),
        ("pc listener --port 15006", "split", port),
        ("wasm count", "", wasm),
        ("wasm count", "reduced", wasm),
    ]
    times = [[] for _ in commands]
    for round_no in range(runs + 1):
        order = list(range(len(commands)))
        shift = round_no % len(order)
        for i in order[shift:] + order[:shift]:
            name, plain, argv = commands[i]
            os.environ["MESHSCOPE_PLAIN"] = plain
            elapsed, _ = run_once(argv)
            if round_no > 0:
                times[i].append(elapsed)
    os.environ.pop("MESHSCOPE_PLAIN", None)
    med = [statistics.median(t) for t in times]
    print("| command | MESHSCOPE_PLAIN | median s | min s | max s |")
    print("|---|---|---:|---:|---:|")
    for (name, plain, _), m, t in zip(commands, med, times):
        print(f"| {name} | {plain or '(unset)'} | {m:.3f} | {min(t):.3f} | {max(t):.3f} |")
    print()
    print("| fast path | fast s | plain s | plain ÷ fast |")
    print("|---|---:|---:|---:|")
    for name, fast, plain in [("section split", 1, 2), ("reduced decode", 3, 4)]:
        print(f"| {name} | {med[fast]:.3f} | {med[plain]:.3f} | {med[plain] / med[fast]:.2f} |")


if __name__ == "__main__":
    main()
