#!/usr/bin/env python3
"""Times commands in rounds, each round running every command once, in turn.

hyperfine runs all the runs of one command before the next command, so on a VM shared
with other builds a change of load between commands shows up as a difference between
them. Here every round runs each command once (after one warm-up round), so a change of
load hits every command alike, and the medians compare on the same footing. Peak RSS is
each command's largest `ru_maxrss` over its runs (from wait4, per process).

Usage: interleave.py RUNS FILE_MB NAME=COMMAND...   (the first three commands are the
floors; the fourth is `pc listener --port 15006`, what the issue compares the others to).
Prints a Markdown table.
"""

import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(argv, stdout=null, stderr=null)
        _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss


def main():
    runs, size = int(sys.argv[1]), float(sys.argv[2])
    commands = [arg.split("=", 1) for arg in sys.argv[3:]]
    argvs = [shlex.split(cmd) for _, cmd in commands]
    times = [[] for _ in commands]
    rss = [0 for _ in commands]
    for round_no in range(runs + 1):
        # Rotate the order so no command always follows the same one.
        order = list(range(len(commands)))
        shift = round_no % len(order)
        order = order[shift:] + order[:shift]
        for i in order:
            elapsed, maxrss = run_once(argvs[i])
            if round_no > 0:
                times[i].append(elapsed)
                rss[i] = max(rss[i], maxrss)
    medians = [statistics.median(t) for t in times]
    floor = min(medians[:3])
    listener = medians[3]
    print("| command | median s | × faster floor | × pc listener --port | peak RSS MB | RSS ÷ file |")
    print("|---|---:|---:|---:|---:|---:|")
    for (name, _), median, kb in zip(commands, medians, rss):
        mb = kb / 1024
        print(f"| {name} | {median:.3f} | {median / floor:.2f} | {median / listener:.2f} | "
              f"{mb:.0f} | {mb / size:.2f} |")


if __name__ == "__main__":
    main()
