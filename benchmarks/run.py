"""Run benchmarks and record their rows: ``python -m benchmarks.run [NAME ...]`` (all when none given).

    make bench              # every benchmark, full profile
    make bench BENCH=cnn    # one
"""
from __future__ import annotations

import importlib
import sys

from . import results

BENCHMARKS = ("cnn", "rnn", "activity", "text", "attention", "gen", "hpc", "notebooks", "clients", "hub", "suite", "gpu",
              "grading", "vision")


def main(names: list[str]) -> int:
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        print(f"unknown benchmark(s) {', '.join(sorted(unknown))}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    selected = names or BENCHMARKS
    if "hpc" in selected:
        from course_utils import distributed

        distributed.split_cpu(2)  # hpc's MirroredStrategy needs it before any benchmark starts TensorFlow
    for name in selected:
        rows = importlib.import_module(f"benchmarks.{name}").run()
        results.save(rows)
        print(results.markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
