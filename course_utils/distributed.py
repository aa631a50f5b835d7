"""Data parallelism: several replicas of one model, each on a share of every batch, kept equal by
summing their gradients (an all-reduce) before each update.

- On one machine, ``tf.distribute.MirroredStrategy`` over its GPUs, or over logical CPU devices made by
  ``split_cpu`` so that the mechanics show on any laptop.
- On many machines, ``tf.distribute.MultiWorkerMirroredStrategy``: one process (worker) per machine, all
  running this module as a program. They find each other through ``TF_CONFIG`` (``launch_local`` sets it
  for workers on 127.0.0.1) or through Slurm's environment (``--slurm``, on a cluster):

    python -m course_utils.distributed --steps 20 --out worker0.json              # TF_CONFIG set by the caller
    srun python -m course_utils.distributed --slurm --steps 500 --out runs/       # one worker per Slurm task

Keras 3.15's ``model.fit`` fails under MultiWorkerMirroredStrategy (keras-team/keras#20585), so a worker
trains with the custom loop ``train`` that notebook 09 writes (exported to
``course_utils.lessons.high_performance_training``); ``MirroredStrategy`` works with ``fit``. This module is the
machinery around it: devices, worker processes, Slurm.

    >>> from course_utils import distributed
    >>> results = distributed.launch_local(workers=2, steps=10)   # starts two processes  # doctest: +SKIP
    >>> results[0]["losses"] == results[1]["losses"]              # doctest: +SKIP
    True
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


class WorkerError(RuntimeError):
    """A worker process failed or did not finish in time; the message holds the end of its output."""


# --------------------------------------------------------------------------- devices on one machine


def split_cpu(devices: int = 2) -> list[str]:
    """Split the CPU into ``devices`` logical devices so a ``MirroredStrategy`` has that many replicas on
    any machine. Call it before TensorFlow runs anything (first cell of a notebook); they share the same cores.

    >>> split_cpu(2)   # only before TensorFlow has started  # doctest: +SKIP
    ['/device:CPU:0', '/device:CPU:1']
    """
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(devices)]
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        current = tf.config.list_logical_devices("CPU")
        if len(current) != devices:
            raise RuntimeError(
                f"TensorFlow has already started with {len(current)} CPU device(s); split_cpu({devices}) must run "
                "before anything else uses TensorFlow. Restart the kernel and run the notebook from the top.") from None
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def replica_devices() -> list[str]:
    """The devices a ``MirroredStrategy`` should use here: every GPU where there are two or more,
    else every logical CPU device (see ``split_cpu``).

    >>> replica_devices()   # depends on the machine and on split_cpu  # doctest: +SKIP
    ['/device:CPU:0', '/device:CPU:1']
    """
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    return [d.name for d in (gpus if len(gpus) >= 2 else tf.config.list_logical_devices("CPU"))]


# --------------------------------------------------------------------------- what a worker reports


def weights_digest(weights: list[np.ndarray]) -> str:
    """sha256 of the weights' bytes: equal digests mean bit-for-bit equal models.

    >>> weights_digest([np.zeros(2, "float32")]) == weights_digest([np.zeros(2, "float32")])
    True
    """
    digest = hashlib.sha256()
    for w in weights:
        digest.update(np.ascontiguousarray(w).tobytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- many workers


def tf_config(hosts: list[str], index: int) -> dict[str, Any]:
    """The ``TF_CONFIG`` of worker ``index`` in a cluster of ``hosts`` ("host:port" each).

    >>> tf_config(["127.0.0.1:2001", "127.0.0.1:2002"], 1)
    {'cluster': {'worker': ['127.0.0.1:2001', '127.0.0.1:2002']}, 'task': {'type': 'worker', 'index': 1}}
    """
    if not 0 <= index < len(hosts):
        raise ValueError(f"worker index {index} is outside the cluster of {len(hosts)} workers.")
    return {"cluster": {"worker": list(hosts)}, "task": {"type": "worker", "index": index}}


def free_ports(count: int) -> list[int]:
    """``count`` TCP ports on 127.0.0.1 that were free a moment ago (the system picks them).

    >>> len(set(free_ports(2)))
    2
    """
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def slurm_resolver(port_base: int = 8888):
    """The cluster as Slurm describes it to each task (SLURM_PROCID, SLURM_STEP_NODELIST,
    SLURM_STEP_TASKS_PER_NODE; GPUs from CUDA_VISIBLE_DEVICES or nvidia-smi): one worker per task, on
    ``port_base`` (+1, +2, ... for further tasks on the same node).

    >>> resolver = slurm_resolver()   # inside an sbatch job only  # doctest: +SKIP
    >>> resolver.cluster_spec().as_dict()              # doctest: +SKIP
    {'worker': ['gpu01:8888', 'gpu02:8888']}
    """
    import tensorflow as tf

    if "SLURM_PROCID" not in os.environ:
        raise RuntimeError("--slurm needs Slurm's environment: start the workers with srun inside an sbatch job "
                           "(see notebooks/scripts/multiworker.sbatch).")
    return tf.distribute.cluster_resolver.SlurmClusterResolver(port_base=port_base)


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(errors="replace").strip().splitlines() if path.exists() else []
    return "\n".join(text[-lines:]) or "(no output)"


def _stop(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)  # the worker and anything it started
    for p in processes:
        p.wait()


def launch_local(workers: int = 2, steps: int = 10, per_replica_batch: int = 32, seed: int = 0,
                 timeout: float = 120.0) -> list[dict[str, Any]]:
    """Start ``workers`` worker processes on 127.0.0.1 (CPU only), each running this module with its own
    ``TF_CONFIG``, wait for them and return their results (notebook 09's ``train``'s, plus ``digest``, ``worker``,
    ``workers`` and ``cluster``).

    Stops every worker and raises ``WorkerError`` when one fails or ``timeout`` seconds pass: a worker
    whose partner died would otherwise wait for it forever.

    >>> [r["digest"] for r in launch_local(2, steps=5)]   # starts two processes  # doctest: +SKIP
    ['5f2c...', '5f2c...']
    """
    hosts = [f"127.0.0.1:{port}" for port in free_ports(workers)]
    with tempfile.TemporaryDirectory(prefix="course-workers-") as folder:
        folder = Path(folder)
        processes, logs = [], []
        for index in range(workers):
            env = dict(os.environ, TF_CONFIG=json.dumps(tf_config(hosts, index)), CUDA_VISIBLE_DEVICES="",
                       TF_CPP_MIN_LOG_LEVEL="3")
            command = [sys.executable, "-m", __name__, "--steps", str(steps), "--per-replica-batch",
                       str(per_replica_batch), "--seed", str(seed), "--timeout", str(int(timeout)),
                       "--out", str(folder / f"worker{index}.json")]
            logs.append(folder / f"worker{index}.log")
            with open(logs[-1], "w") as log:
                processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                  stdin=subprocess.DEVNULL, start_new_session=True))
        deadline = time.monotonic() + timeout
        try:
            while any(p.poll() is None for p in processes):
                failed = [i for i, p in enumerate(processes) if p.poll() not in (None, 0)]
                if failed:
                    i = failed[0]
                    raise WorkerError(f"worker {i} of {workers} exited with status {processes[i].returncode}; "
                                      f"its last output:\n{_tail(logs[i])}")
                if time.monotonic() > deadline:
                    raise WorkerError(f"the {workers} workers did not finish within {timeout:.0f} s and were stopped; "
                                      f"worker 0's last output:\n{_tail(logs[0])}")
                time.sleep(0.1)
            results = []
            for index, p in enumerate(processes):
                if p.returncode != 0:
                    raise WorkerError(f"worker {index} exited with status {p.returncode}:\n{_tail(logs[index])}")
                results.append(_read_result(folder / f"worker{index}.json"))
            return results
        finally:
            _stop(processes)


def _write_result(result: dict[str, Any], out: Path) -> None:
    """A worker's result as ``out`` (JSON) and ``out`` with suffix ``.npz`` (the weights)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    weights = result.pop("weights")
    np.savez(out.with_suffix(".npz"), *weights)
    out.write_text(json.dumps(result, indent=1))


def _read_result(out: Path) -> dict[str, Any]:
    result = json.loads(out.read_text())
    with np.load(out.with_suffix(".npz")) as saved:
        result["weights"] = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_utils.distributed",
                                     description="One worker of a MultiWorkerMirroredStrategy run of the course CNN "
                                                 "(notebook 09's training loop).")
    parser.add_argument("--steps", type=int, default=20, help="training steps (default 20)")
    parser.add_argument("--per-replica-batch", type=int, default=32, help="images per replica per step (default 32)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=int, default=300,
                        help="seconds a collective operation may wait for the other workers (default 300)")
    parser.add_argument("--slurm", action="store_true", help="find the cluster in Slurm's environment, not TF_CONFIG")
    parser.add_argument("--port-base", type=int, default=8888, help="first port of a worker under --slurm (default 8888)")
    parser.add_argument("--out", required=True,
                        help="result file (JSON, weights beside it as .npz); a folder under --slurm: one file per worker")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import tensorflow as tf

    from .lessons.high_performance_training import train

    resolver = slurm_resolver(args.port_base) if args.slurm else None
    if resolver is None and "TF_CONFIG" not in os.environ:
        print("TF_CONFIG is not set: a worker needs it (launch_local sets it) or --slurm.", file=sys.stderr)
        return 2
    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=args.timeout)
    strategy = tf.distribute.MultiWorkerMirroredStrategy(cluster_resolver=resolver, communication_options=options)
    worker = strategy.cluster_resolver.task_id
    cluster = strategy.cluster_resolver.cluster_spec().as_dict()
    result = train(strategy, args.steps, args.per_replica_batch, args.seed)
    result.update(digest=weights_digest(result["weights"]), worker=worker, workers=len(cluster["worker"]), cluster=cluster)
    out = Path(args.out) / f"worker{worker}.json" if args.slurm else Path(args.out)
    _write_result(result, out)
    print(f"worker {worker}: {args.steps} steps, {result['replicas']} replicas, global batch {result['global_batch']}, "
          f"loss {result['losses'][0]:.3f} -> {result['losses'][-1]:.3f}, {result['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
