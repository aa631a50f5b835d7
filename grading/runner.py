"""Runs inside the sandbox: one submission's answer cells in the notebook's own imports, then the hidden tests'
``collect`` on the grader's inputs. Started by ``grading.sandbox``, never by hand:

    python -m grading.runner job.json results.jsonl

It writes one JSON line per step as it goes (``{"start": "q1"}``, then ``{"exercise": "q1", ...}``), so the grader
knows which exercise was running when a limit stopped the process. Nothing here judges: the answers' outputs go back
to the grader's own process, where they are compared, so patching NumPy, the checks or this file changes no grade.
"""
from __future__ import annotations

import builtins
import importlib
import json
import os
import signal
import sys
import time

# What no answer of this course needs while it is graded: starting programs, the network, raw memory and native code,
# and turning off the tripwires by tracing. Each attempt raises PermissionError in the answer and is reported.
REFUSED_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
                  "pty.spawn", "os.kill", "os.killpg", "signal.pthread_kill", "socket.connect", "socket.bind",
                  "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request", "ctypes.dlopen", "ctypes.dlsym",
                  "ctypes.cdata", "ctypes.call_function", "sys.setprofile", "sys.settrace", "sys.addaudithook")


class Refused(BaseException):
    """Raised by a tripwire: a BaseException, so that an answer's ``except Exception`` does not hide it."""


class CountedOutput:
    """Stands in for sys.stdout and sys.stderr: what an answer prints is counted, not kept (a flood costs nothing)."""

    def __init__(self):
        self.count = 0

    def write(self, text: str) -> int:
        self.count += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def describe(error: BaseException) -> str:
    """``TypeError: ... (line 3 of your answer cell)``: the error and the last line of the answer it passed through."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("<answer"):
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(error, SyntaxError) and error.filename and error.filename.startswith("<answer"):
        line = error.lineno
    text = f"{type(error).__name__}: {error}"[:300]
    return text + (f" (line {line} of your answer cell)" if line else "")


def main(job_path: str, results_path: str) -> None:
    with open(job_path) as f:
        job = json.load(f)
    results = open(results_path, "a", buffering=1)
    write_line, dumps, clock = results.write, json.dumps, time.monotonic  # kept before any answer runs

    def report(record: dict) -> None:
        try:
            line = dumps(record)
        except (TypeError, ValueError) as error:  # collect() gave something JSON cannot hold
            line = dumps({**record, "collected": {"failed": f"its result could not be sent back ({error})"}})
        write_line(line + "\n")
        results.flush()

    from course_utils.exercises import is_stub
    from grading.hidden import MISSING

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file past its size limit: an OSError in the answer, not a kill
    hidden = importlib.import_module(job["hidden"])
    tasks = {task.name: task for task in hidden.TASKS}
    if "evaluate" in job:  # the second process of a task: no student code runs here
        from pathlib import Path

        for name, collected in job["evaluate"]:
            report({"start": name})
            try:
                evaluated = tasks[name].evaluate(collected, job["probes"][name], Path.cwd())
            except Exception as failure:  # noqa: BLE001
                evaluated = {"failed": describe(failure)}
            report({"exercise": name, "evaluated": evaluated})
        report({"done": True})
        results.close()
        os._exit(0)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(job["context"], "<the notebook's imports>", "exec"), namespace)
    for name, _ in job["answers"]:
        for module in tasks[name].preload:
            importlib.import_module(module)

    attempts: list[str] = []
    locked = []

    def audit(event: str, args: tuple) -> None:
        if locked and event.startswith(REFUSED_EVENTS):
            attempts.append(event)
            raise PermissionError(f"{event} is not allowed while an answer is graded")

    def tripwire(dotted: str):
        def refused(*args, **kwargs):
            attempts.append(f"called {dotted}")
            raise Refused(f"{dotted} is the course's or a library's version of this exercise, not yours")
        return refused

    unarmed: dict[str, list[str]] = {}  # module -> the forbidden functions in it, until it is imported and armed
    for dotted in job["tripwires"]:
        unarmed.setdefault(dotted.rpartition(".")[0], []).append(dotted)

    def arm() -> None:
        for module_name in [m for m in unarmed if m in sys.modules]:
            for dotted in unarmed.pop(module_name):
                setattr(sys.modules[module_name], dotted.rpartition(".")[2], tripwire(dotted))

    # Arm each module when it is imported, not now: importing a lesson or Keras only to arm it would start TensorFlow
    # (seconds) in every exercise. Armed when the outermost import returns, once the module has run to its end.
    plain_import, depth = builtins.__import__, [0]

    def importing(*args, **kwargs):
        depth[0] += 1
        try:
            return plain_import(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0 and unarmed:
                arm()

    arm()
    builtins.__import__ = importing
    sys.addaudithook(audit)
    output = CountedOutput()
    sys.stdout = sys.stderr = output

    def run_cell(name: str, source: str) -> str | None:
        try:
            exec(compile(source, f"<answer {name}>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - a broken answer is graded for what it defined
            return describe(error)
        return None

    locked.append(True)
    for name, source in job["replay"]:  # the earlier answers whose names this one uses
        run_cell(name, source)
    for name, source in job["answers"]:
        report({"start": name})
        attempts.clear()
        output.count, start = 0, clock()
        error = run_cell(name, source)
        task = tasks[name]
        values = {n: namespace.get(n, MISSING) for n in task.names}
        missing = [n for n, value in values.items() if value is MISSING]
        unanswered = [n for n, value in values.items() if value is not MISSING and is_stub(value)]
        collected = None  # nothing to try on an answer that is missing or still the stub
        if not missing and not unanswered:
            arm()  # what the cell imported without an import statement (importlib inside a library) is armed too
            try:
                collected = task.collect(values, job["probes"][name])
            except BaseException as failure:  # noqa: BLE001
                collected = {"failed": describe(failure)}
        report({"exercise": name, "cell_error": error, "collected": collected, "attempts": sorted(set(attempts)),
                "missing": missing, "unanswered": unanswered,
                "printed": output.count, "seconds": round(clock() - start, 3)})
    report({"done": True})
    results.close()
    os._exit(0)  # at once: no thread or exit handler of the answer's runs after the last record


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
