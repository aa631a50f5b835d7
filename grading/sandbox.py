"""Run one submission's job in a sandbox, with limits, and read back what it reported.

The sandbox is bubblewrap (``bwrap``): the whole file system read-only, only the submission's own work folder
writable, a private /tmp, no network, its own process table, and the grader's folders (submissions, grades, other
jobs, the instructor notebooks) hidden. Limits: memory (address space), the size of any file it writes, and time,
per exercise and per submission, enforced from outside (the process is killed, whatever the answer catches).

    >>> Limits().memory_bytes // 2**30
    3
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HIDDEN_FROM_ANSWERS = ("notebooks", "slides", "release", "build", "tests", ".git")  # solutions, besides solutions.py


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 3 * 2**30  # address space: TensorFlow runs in 3 GiB; a memory bomb meets MemoryError
    file_bytes: int = 20 * 2**20  # any one file the answer writes
    submission_seconds: float = 300.0  # every exercise of one submission together
    time_scale: float = 1.0  # multiplies each exercise's own limit (a slower machine: 2)


class SandboxUnavailable(RuntimeError):
    pass


def check_sandbox() -> None:
    """Raise SandboxUnavailable, with what to do, when bubblewrap cannot start here."""
    if shutil.which("prlimit") is None:
        raise SandboxUnavailable("the grader sets its limits with prlimit (util-linux), which is not installed.")
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("the grader runs each submission in bubblewrap, which is not installed: "
                                 "`sudo apt-get install bubblewrap` (Debian, Ubuntu, The Littlest JupyterHub), or pass "
                                 "--no-sandbox on a machine that runs nothing else (README, Grading).")
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-user", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bubblewrap is installed but cannot start a sandbox here ({probe.stderr.strip()}): "
                                 "user namespaces are off (a container without privileges?). Grade on a machine "
                                 "where `bwrap --ro-bind / / --unshare-net --unshare-user true` works, or pass "
                                 "--no-sandbox on a machine that runs nothing else (README, Grading).")


def _needed() -> list[Path]:
    """What the runner reads that may lie under /tmp: the repository, the Python environment, the datasets."""
    from course_utils import data

    paths = {ROOT, Path(sys.prefix), Path(sys.base_prefix), Path(os.environ.get("COURSE_DATA_DIR") or data.cache_dir())}
    return sorted(p.resolve() for p in paths if p.exists() and p.resolve().is_relative_to("/tmp"))


def _command(workdir: Path, hide: list[Path], sandbox: bool) -> list[str]:
    runner = [sys.executable, "-m", "grading.runner", "job.json", "results.jsonl"]
    if not sandbox:
        return runner
    command = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
               "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-user",
               "--die-with-parent", "--new-session"]
    for path in _needed():  # back into view, read-only, where the private /tmp covered them (a clone in /tmp, say)
        command += ["--ro-bind", str(path), str(path)]
    for path in [*(ROOT / name for name in HIDDEN_FROM_ANSWERS), *hide]:
        if path.is_dir():
            command += ["--tmpfs", str(path)]
    command += ["--ro-bind", "/dev/null", str(ROOT / "course_utils" / "exercises" / "solutions.py")]
    command += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir)]
    return command + runner


def _record(line: str) -> dict:
    """One line the runner wrote; anything else (the answer can write to its own folder) counts as nothing."""
    try:
        record = json.loads(line)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def run_job(job: dict, workdir: Path, limits: Limits, time_limits: dict[str, float], hide: list[Path],
            sandbox: bool = True) -> tuple[list[dict], str | None]:
    """Run ``job`` (see grading.runner) in ``workdir``; return the records it reported and, when it did not finish,
    why (the exercise that was running is the last ``start`` without its record)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "job.json").write_text(json.dumps(job))
    results = workdir / "results.jsonl"
    results.unlink(missing_ok=True)
    from course_utils import data  # the sandbox reads the grader's datasets, read-only, as a hub's shared folder

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(workdir), "TMPDIR": "/tmp",
           "COURSE_DATA_DIR": os.environ.get("COURSE_DATA_DIR") or str(data.cache_dir()),
           "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1",
           "COURSE_PROFILE": "ci", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}

    limited = ["prlimit", f"--as={limits.memory_bytes}", f"--fsize={limits.file_bytes}", "--core=0", "--"]
    with open(workdir / "stderr.txt", "wb") as stderr:
        process = subprocess.Popen(limited + _command(workdir, hide, sandbox), cwd=workdir, env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                   start_new_session=True)
        started = time.monotonic()
        records, running, running_since, why, done = [], None, started, None, False
        with open(results, "a+") as reader:  # this handle reads on even if the answer deletes the file
            reader.seek(0)
            pending = ""
            while True:
                finished = process.poll() is not None
                pending += reader.read()
                *lines, pending = pending.split("\n")
                for line in lines:
                    record = _record(line)
                    if "start" in record:
                        running, running_since = record["start"], time.monotonic()
                    elif "exercise" in record:
                        records.append(record)
                        running = None
                    done = done or "done" in record
                if finished:
                    break
                now, limit = time.monotonic(), time_limits.get(running, 0) * limits.time_scale
                if running and now - running_since > limit:
                    why = f"ran past its time limit of {limit:g} s and was stopped"
                elif now - started > limits.submission_seconds * limits.time_scale:
                    why = (f"the submission ran past its time limit of {limits.submission_seconds * limits.time_scale:g} s "
                           "and was stopped")
                if why:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    return records, why
                time.sleep(0.05)
    if done:
        return records, None
    code = process.returncode
    if code < 0 and -code == signal.SIGKILL:
        return records, "the process was killed (SIGKILL): out of memory, or it killed itself"
    try:
        tail = (workdir / "stderr.txt").read_text(errors="replace").strip().splitlines()[-1:] or [""]
    except OSError:
        tail = [""]
    return records, f"the process ended early (exit code {code}) {tail[0][:200]}".rstrip()
