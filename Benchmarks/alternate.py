#!/usr/bin/env python3
"""Times two commands in alternation, A B A B ..., and prints the median of each and their
ratio. Alternating keeps a noisy machine's slow spells from falling on one command only (as
they can when hyperfine runs all of one, then all of the other).
Usage: alternate.py RUNS 'COMMAND A' 'COMMAND B'"""
import shlex, statistics, subprocess, sys, time

runs, first, second = int(sys.argv[1]), shlex.split(sys.argv[2]), shlex.split(sys.argv[3])
times = ([], [])
for command in (first, second):  # warm-up
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
for _ in range(runs):
    for index, command in enumerate((first, second)):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times[index].append(time.perf_counter() - start)
a, b = (statistics.median(t) for t in times)
print(f"{a:.4f} {b:.4f} {a / b:.2f}")
