#!/usr/bin/env python3
# Times commands in interleaved rounds (A B C, A B C, ...) and prints each one's median, minimum and mean wall time,
# and its median user and system CPU time (from wait4's rusage; peak memory is not taken from there: Linux counts the
# spawning Python's into it).
# On a shared VM the speed drifts by tens of percent within a minute; timing all runs of one command, then all of the
# next (hyperfine's order) lets that drift land on one side of a ratio. Interleaving spreads it over every command,
# and the median ignores the rounds a hiccup hit.
# Usage: interleave.py --runs N --warmup W --json OUT name=command [name=command ...]
#        (each command is split like a shell would; its output is discarded; a failing command stops the run)
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--json", required=True)
    parser.add_argument("commands", nargs="+", metavar="name=command")
    args = parser.parse_args()
    commands = []
    for spec in args.commands:
        name, sep, command = spec.partition("=")
        if not sep or not command:
            parser.error(f"expected name=command, got {spec!r}")
        commands.append((name, shlex.split(command)))

    # posix_spawn (vfork-like): the child never copies this Python process, so its CPU time is the command's own.
    quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)]

    def run(argv):
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=quiet)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise subprocess.CalledProcessError(code, argv)
        return wall, usage.ru_utime, usage.ru_stime

    for _ in range(args.warmup):
        for _, argv in commands:
            run(argv)
    times = {name: [] for name, _ in commands}
    for _ in range(args.runs):
        for name, argv in commands:
            times[name].append(run(argv))

    results = {}
    for name, samples in times.items():
        wall = [s[0] for s in samples]
        results[name] = {"median": statistics.median(wall), "min": min(wall), "mean": statistics.fmean(wall),
                         "user": statistics.median(s[1] for s in samples), "system": statistics.median(s[2] for s in samples),
                         "times": wall}
        r = results[name]
        print(f"{name:<26} median {r['median']*1000:7.1f} ms  min {r['min']*1000:7.1f}  mean {r['mean']*1000:7.1f}  "
              f"user {r['user']*1000:6.1f}  sys {r['system']*1000:6.1f}  "
              f"({args.runs} interleaved rounds)", file=sys.stderr)
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
