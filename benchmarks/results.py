"""Collect benchmark rows into benchmarks/results.json and the table in benchmarks/results.md.

A row is a dict with the keys in ``KEYS``. Rows of a new run replace the earlier rows with the same
benchmark, model and dataset, so ``make bench BENCH=cnn`` refreshes only its own lines.

    >>> row = make_row("cnn", "course_cnn", "fashion_mnist", 60000, 15, 21.5, "test_accuracy", 0.925)
    >>> sorted(row) == sorted(KEYS)
    True
"""
from __future__ import annotations

import datetime
import json
import os
import platform
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ("benchmark", "model", "dataset", "n_train", "epochs", "seconds_per_epoch", "metric", "value", "date", "machine")


def machine() -> str:
    """Cores, processor architecture and GPU, in words."""
    try:
        import tensorflow as tf

        gpus = [tf.config.experimental.get_device_details(g).get("device_name", g.name)
                for g in tf.config.list_physical_devices("GPU")]
    except Exception:  # noqa: BLE001 - a description must never fail a benchmark
        gpus = []
    return f"{os.cpu_count()} CPU cores ({platform.machine()}), " + (", ".join(gpus) if gpus else "no GPU")


def make_row(benchmark: str, model: str, dataset: str, n_train: int, epochs: int,
             seconds_per_epoch: float, metric: str, value: float) -> dict:
    """One result row with today's date and this machine."""
    return {"benchmark": benchmark, "model": model, "dataset": dataset, "n_train": int(n_train),
            "epochs": int(epochs), "seconds_per_epoch": round(float(seconds_per_epoch), 2), "metric": metric,
            "value": round(float(value), 4), "date": datetime.date.today().isoformat(), "machine": machine()}


def merge(old: list[dict], new: list[dict]) -> list[dict]:
    """Old rows not replaced by a new one (same benchmark, model, dataset), then the new rows."""
    key = lambda r: (r["benchmark"], r["model"], r["dataset"])  # noqa: E731
    replaced = {key(r) for r in new}
    return [r for r in old if key(r) not in replaced] + new


def markdown(rows: list[dict]) -> str:
    """The rows as a markdown table."""
    head = ["benchmark", "model", "dataset (training examples)", "epochs", "s / epoch", "metric", "value", "date", "machine"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append(f"| {r['benchmark']} | {r['model']} | {r['dataset']} ({r['n_train']:,}) | {r['epochs']} | "
                     f"{r['seconds_per_epoch']:.1f} | {r['metric']} | {r['value']:.4g} | {r['date']} | {r['machine']} |")
    return "\n".join(lines) + "\n"


def save(new: list[dict], folder: Path = HERE) -> list[dict]:
    """Merge ``new`` into results.json and rewrite results.md; returns all rows."""
    path = folder / "results.json"
    rows = merge(json.loads(path.read_text()) if path.exists() else [], new)
    path.write_text(json.dumps(rows, indent=1) + "\n")
    (folder / "results.md").write_text(
        "# Benchmark results\n\nWritten by `make bench` (benchmarks/run.py); do not edit by hand.\n\n" + markdown(rows))
    return rows
