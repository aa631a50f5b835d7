"""course_utils.distributed: two real workers on loopback, replicas on logical CPUs, TF_CONFIG, Slurm."""
import os
import re
import shlex
import subprocess
from pathlib import Path

import numpy as np
import pytest

from course_utils import distributed
from course_utils.lessons.high_performance_training import train

ROOT = Path(__file__).resolve().parent.parent
SBATCH = ROOT / "notebooks" / "scripts" / "multiworker.sbatch"


def largest_difference(a, b):
    return max(float(np.abs(wa - wb).max()) for wa, wb in zip(a, b))


@pytest.mark.server  # worker processes on 127.0.0.1
def test_two_workers_on_loopback_train_one_model_the_same_as_one_process():
    """The issue's two-worker run: real processes, real gRPC on 127.0.0.1, bounded steps and time."""
    import tensorflow as tf

    steps = 6
    workers = distributed.launch_local(workers=2, steps=steps, per_replica_batch=16, timeout=180)
    assert [w["worker"] for w in workers] == [0, 1]
    for w in workers:
        assert w["workers"] == 2 and w["replicas"] == 2 and w["global_batch"] == 32 and w["steps"] == steps
        assert len(w["cluster"]["worker"]) == 2 and all(h.startswith("127.0.0.1:") for h in w["cluster"]["worker"])
    assert workers[0]["digest"] == workers[1]["digest"]            # the all-reduce keeps them bit-for-bit equal
    assert workers[0]["losses"] == workers[1]["losses"]
    assert workers[0]["losses"][-1] < workers[0]["losses"][0]      # and they learned something

    one_process = train(tf.distribute.OneDeviceStrategy("/cpu:0"), steps, per_replica_batch=32)
    np.testing.assert_allclose(one_process["losses"], workers[0]["losses"], rtol=1e-4)
    assert largest_difference(one_process["weights"], workers[0]["weights"]) < 1e-5


@pytest.mark.server  # worker processes on 127.0.0.1
def test_a_worker_that_fails_stops_the_run_with_its_output():
    with pytest.raises(distributed.WorkerError, match=r"exited with status [1-9]") as failure:
        distributed.launch_local(workers=2, steps=2, per_replica_batch=0, timeout=120)
    assert "per_replica_batch (0) must be at least 1" in str(failure.value)  # the worker's own error, passed on


@pytest.mark.server  # worker processes on 127.0.0.1
def test_workers_that_run_too_long_are_stopped():
    with pytest.raises(distributed.WorkerError, match="did not finish within 1 s"):
        distributed.launch_local(workers=2, steps=1000, timeout=1)
    left = subprocess.run(["pgrep", "-f", "course_utils.distributed --steps 1000"], capture_output=True)
    assert left.returncode == 1, f"workers still running: {left.stdout!r}"


def test_mirrored_replicas_on_logical_cpus_equal_one_device_with_the_global_batch(fresh_python):
    result = fresh_python("""
        import numpy as np, tensorflow as tf
        from course_utils import distributed
        from course_utils.lessons.high_performance_training import train
        print(distributed.split_cpu(2))
        assert distributed.replica_devices() == ["/device:CPU:0", "/device:CPU:1"]
        one = train(tf.distribute.OneDeviceStrategy("/cpu:0"), 5, per_replica_batch=32)
        two = train(tf.distribute.MirroredStrategy(distributed.replica_devices()), 5, per_replica_batch=16)
        assert two["replicas"] == 2 and one["global_batch"] == two["global_batch"] == 32
        np.testing.assert_allclose(one["losses"], two["losses"], rtol=1e-4)
        print("largest", max(float(np.abs(a - b).max()) for a, b in zip(one["weights"], two["weights"])))
        try:
            distributed.split_cpu(3)
        except RuntimeError as error:
            print("late:", error)
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "['/device:CPU:0', '/device:CPU:1']" in result.stdout
    assert float(re.search(r"largest (\S+)", result.stdout).group(1)) < 1e-5
    assert "late: TensorFlow has already started with 2 CPU device(s)" in result.stdout and "Restart the kernel" in result.stdout


def test_tf_config_names_every_worker_and_this_one():
    hosts = ["a:1", "b:2", "c:3"]
    assert distributed.tf_config(hosts, 2) == {"cluster": {"worker": hosts}, "task": {"type": "worker", "index": 2}}
    with pytest.raises(ValueError, match="outside the cluster of 3"):
        distributed.tf_config(hosts, 3)


def test_free_ports_can_be_bound():
    import socket

    ports = distributed.free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_a_worker_without_tf_config_or_slurm_refuses_to_start(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    assert distributed.main(["--out", str(tmp_path / "r.json")]) == 2
    assert "TF_CONFIG is not set" in capsys.readouterr().err


SLURM_TASK_1 = {"SLURM_PROCID": "1", "SLURM_STEP_NUM_TASKS": "2", "SLURM_STEP_NODELIST": "gpu[01-02]",
                "SLURM_STEP_TASKS_PER_NODE": "1(x2)", "CUDA_VISIBLE_DEVICES": "0,1,2,3"}


def test_slurm_resolver_builds_the_cluster_from_slurm_variables(monkeypatch):
    for name, value in SLURM_TASK_1.items():
        monkeypatch.setenv(name, value)
    resolver = distributed.slurm_resolver(port_base=9000)
    assert resolver.cluster_spec().as_dict() == {"worker": ["gpu01:9000", "gpu02:9000"]}
    assert (resolver.task_type, resolver.task_id) == ("worker", 1)
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "0,1,2,3"  # one task per node gets all four GPUs


def test_slurm_resolver_outside_slurm_says_how_to_start_workers(monkeypatch):
    monkeypatch.delenv("SLURM_PROCID", raising=False)
    with pytest.raises(RuntimeError, match="srun inside an sbatch job"):
        distributed.slurm_resolver()


def test_the_sbatch_script_is_valid_bash_and_runs_a_command_the_worker_accepts():
    assert subprocess.run(["bash", "-n", str(SBATCH)]).returncode == 0
    text = SBATCH.read_text()
    assert re.search(r"^#SBATCH --nodes=\d+", text, re.M) and re.search(r"^#SBATCH --ntasks-per-node=1\b", text, re.M)
    command = shlex.split(re.search(r"^srun (.+)$", text.replace("\\\n", " "), re.M).group(1))
    assert command[:3] == ["python", "-m", "course_utils.distributed"]
    args = distributed._parser().parse_args([a.replace("${SLURM_JOB_ID}", "123") for a in command[3:]])
    assert args.slurm and args.out == "runs/123" and args.steps > 0
