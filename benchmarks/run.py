"""Run benchmarks and record their rows: ``python -m benchmarks.run [NAME ...]`` (all when none given).

    make bench              # every benchmark, full profile
    make bench BENCH=cnn    # one
"""
from __future__ import annotations

import importlib
import sys

from . import results

BENCHMARKS = ("cnn", "rnn", "gen")


def main(names: list[str]) -> int:
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        print(f"unknown benchmark(s) {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names or BENCHMARKS:
        rows = importlib.import_module(f"benchmarks.{name}").run()
        results.save(rows)
        print(results.markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
