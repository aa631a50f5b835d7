"""A JupyterHub with the course on 127.0.0.1: ``make hub`` for a trial by hand, ``LocalHub`` for the test and benchmark.

    make hub                                   # http://127.0.0.1:8000, any user name, the password it prints
    make hub HUB_ARGS="--port 8010 --profile ci --release instructor"   # default: the student version

FOR LOCAL TRIALS ONLY: any user name logs in with the one password (see hub/local_config.py). The hub keeps its
database and the students' homes in build/hub/ (``--state``), so a restarted hub finds everyone's work again.

In code (the test and ``make bench BENCH=hub``)::

    with LocalHub(tmp_path) as hub:                      # random ports, password and admin token
        hub.start_servers(["ada", "alan"])
        seconds = hub.wait_ready(["ada", "alan"])        # {"ada": 21.3, "alan": 22.0}
        outputs = run_in_kernels(hub, {"ada": ("notebooks/00_welcome.ipynb", ["print(1 + 1)"])})
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

from course_utils.distributed import free_ports
from tools.npm import install_pinned

ROOT = Path(__file__).resolve().parent.parent
PROXY_BUILD = ROOT / "build" / "hub-proxy"
CONFIG = ROOT / "hub" / "local_config.py"
NOBODY = 65534
WARNING = ("This hub is for local trials only: anyone who can reach its port logs in with any user name and the one "
           "password below. For a class, use your institution's authenticator (README.md, 'On a JupyterHub').")


def install_proxy() -> Path:
    """``npm ci`` hub/package.json's pinned configurable-http-proxy into build/hub-proxy; returns its executable."""
    modules = install_pinned(ROOT / "hub", PROXY_BUILD, "The hub's proxy (configurable-http-proxy)")
    return modules / ".bin" / "configurable-http-proxy"


def fill_shared_folder(folder: Path, names: list[str]) -> Path:
    """Fill ``folder``/NAME with each dataset's files (this machine's copies, else downloaded as ``fetch`` does; each
    checked by its sha256), and make it read-only as an admin would: folders 555, files 444; as root, owned by
    ``nobody`` as well, so that servers of a root hub (which drop root's power over permissions) cannot write there.

    An admin with internet fills the real one with ``python -m course_utils.data fetch NAME ... --to DIR``."""
    from course_utils import data

    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).mkdir(exist_ok=True)
        for file_name, path in data.locate(name).items():
            shutil.copyfile(path, folder / name / file_name)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
        if os.geteuid() == 0:
            os.chown(path, NOBODY, NOBODY)
    return folder


def unlock_shared_folder(folder: Path) -> None:
    """Make a folder from ``fill_shared_folder`` writable again, so that it can be removed."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755)


class HubError(RuntimeError):
    """The hub or a student's server did not do what was asked; the message carries the end of the hub's log."""


@dataclass
class LocalHub:
    """JupyterHub from hub/local_config.py, its state in ``state``, stopped with everything it started."""

    state: Path
    port: int = 0                                                  # 0: a free one, picked at start
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    environment: dict[str, str] = field(default_factory=dict)   # COURSE_* settings of hub/jupyterhub_config.py
    notebooks: Path | None = ROOT / "notebooks"                    # copied to ~/notebooks in a new home
    args: list[str] = field(default_factory=list)                  # extra arguments for every single-user server
    admins: list[str] = field(default_factory=list)
    log_to_file: bool = True

    def __post_init__(self):
        self.state = Path(self.state).resolve()
        self.token = secrets.token_hex(32)  # the hub tool's service token (admin scopes) for the REST API
        self.process: subprocess.Popen | None = None
        self._log = None
        self.asked_at: float | None = None  # when start_servers last asked

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def home(self, user: str) -> Path:
        return self.state / "home" / user

    # ----------------------------------------------------------------------------------------- start and stop

    def start(self, timeout: float = 90) -> LocalHub:
        """Start the hub and wait until its API answers."""
        self.state.mkdir(parents=True, exist_ok=True)
        public, hub_port, api_port = free_ports(3)
        self.port = self.port or public
        env = dict(os.environ, **{
            "COURSE_HUB_STATE": str(self.state), "COURSE_HUB_PORT": str(self.port),
            "COURSE_HUB_HUB_PORT": str(hub_port), "COURSE_HUB_API_PORT": str(api_port),
            "COURSE_HUB_PROXY": str(install_proxy()), "COURSE_HUB_PASSWORD": self.password,
            "COURSE_HUB_BIN": str(Path(sys.executable).parent), "COURSE_HUB_SERVICE_TOKEN": self.token,
            "COURSE_HUB_NOTEBOOKS": str(self.notebooks or ""), "COURSE_HUB_ARGS": " ".join(self.args),
            "COURSE_HUB_ADMINS": ",".join(self.admins), "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(32),
        }, **{name: value for name, value in self.environment.items() if name.startswith("COURSE_")})
        self._log = open(self.state / "hub.log", "a") if self.log_to_file else None
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)], cwd=self.state, env=env,
            stdout=self._log, stderr=subprocess.STDOUT if self._log else None, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                status = self.process.returncode
                self.stop()
                raise HubError(f"the hub exited with status {status}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        self.stop()
        raise HubError(f"the hub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the hub, then anything it started that outlived it: every process (proxy, servers, kernels) that
        carries this hub's ``COURSE_HUB_STATE`` in its environment, even when the hub itself was killed hard."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops its servers and proxy itself
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for _ in range(5):  # a process forked while the others were killed shows up in the next round
            leftovers = self.leftovers()
            if not leftovers:
                break
            for process in leftovers:
                try:
                    process.kill()
                except psutil.Error:
                    pass
            psutil.wait_procs(leftovers, timeout=10)  # on a busy machine a killed process takes a moment to go
        self.process = None
        if self._log:
            self._log.close()

    def leftovers(self) -> list[psutil.Process]:
        """Processes that belong to this hub (hub/local_config.py marks them all with ``COURSE_HUB_STATE``)."""
        mine = []
        for process in psutil.process_iter():
            try:
                if process.pid != os.getpid() and process.environ().get("COURSE_HUB_STATE") == str(self.state):
                    mine.append(process)
            except psutil.Error:
                continue
        return mine

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, chars: int = 4000) -> str:
        log = self.state / "hub.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"

    # ----------------------------------------------------------------------------------------- the REST API

    def api(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        """One call to ``/hub/api/PATH`` with the hub tool's admin token (or ``token``)."""
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.url}/hub/api/{path.lstrip('/')}", headers=headers, timeout=30, **kwargs)

    def create_user(self, user: str) -> None:
        """Create ``user`` in the hub's database unless it exists."""
        if self.api("GET", f"users/{user}").status_code == 404:
            self._ok(self.api("POST", f"users/{user}"), f"create {user}")

    def user_token(self, user: str) -> str:
        """A new API token of ``user`` (the user is created when new), with the user's own rights only."""
        self.create_user(user)
        reply = self._ok(self.api("POST", f"users/{user}/tokens", json={"note": "course hub tool", "expires_in": 3600}),
                         f"token for {user}")
        return reply.json()["token"]

    def start_servers(self, users: list[str]) -> None:
        """Ask for every user's server at once (users are created where new); ``wait_ready`` times them from here."""
        for user in users:
            self.create_user(user)
        self.asked_at = time.monotonic()
        with ThreadPoolExecutor(len(users)) as pool:  # the hub answers a start only after up to 10 s: ask in parallel
            for user, reply in zip(users, pool.map(lambda u: self.api("POST", f"users/{u}/server"), users)):
                self._ok(reply, f"start {user}'s server")

    def wait_ready(self, users: list[str], timeout: float = 300) -> dict[str, float]:
        """Seconds from ``start_servers`` until each user's server was seen ready (JupyterHub's ``ready`` flag)."""
        start, ready = self.asked_at or time.monotonic(), {}
        while len(ready) < len(users):
            if time.monotonic() - start > timeout:
                waiting = sorted(set(users) - set(ready))
                raise HubError(f"not ready after {timeout:.0f} s: {waiting}\n{self.log_tail()}")
            for user in set(users) - set(ready):
                model = self.api("GET", f"users/{user}").json()
                server = model.get("servers", {}).get("")
                if server and server.get("ready"):
                    ready[user] = time.monotonic() - start
                elif not server and not model.get("pending"):
                    raise HubError(f"{user}'s server stopped while starting:\n{self.log_tail()}")
            time.sleep(0.25)
        return ready

    def stop_server(self, user: str, timeout: float = 60) -> None:
        """Stop ``user``'s server and wait until the hub has let it go."""
        self._ok(self.api("DELETE", f"users/{user}/server"), f"stop {user}'s server")
        deadline = time.monotonic() + timeout
        while self.api("GET", f"users/{user}").json().get("servers"):
            if time.monotonic() > deadline:
                raise HubError(f"{user}'s server still runs {timeout:.0f} s after it was stopped")
            time.sleep(0.25)

    def server_memory(self) -> dict[str, dict[str, list[tuple[int, int]]]]:
        """Each user's single-user server and kernels: (resident, proportional) bytes per process. Resident memory
        counts the shared libraries every kernel maps (TensorFlow's above all) in full in each process; proportional
        memory (Linux's PSS) splits each shared page among the processes that map it, so it adds up to what the
        class really takes."""
        def sizes(process: psutil.Process) -> tuple[int, int]:
            info = process.memory_full_info()
            return info.rss, info.pss

        memory = {}
        for process in psutil.Process(self.process.pid).children(recursive=True):
            try:
                if not any("jupyterhub-singleuser" in part for part in process.cmdline()):
                    continue
                user = process.environ().get("JUPYTERHUB_USER", f"pid {process.pid}")
                memory[user] = {"server": [sizes(process)],
                                "kernels": [sizes(k) for k in process.children(recursive=True)]}
            except psutil.Error:
                continue
        return memory

    def _ok(self, reply: requests.Response, what: str) -> requests.Response:
        if not reply.ok:
            raise HubError(f"{what}: HTTP {reply.status_code} {reply.text[:300]}\n{self.log_tail(2000)}")
        return reply


# --------------------------------------------------------------------------------------------- kernels over the hub


@dataclass
class CellResult:
    """What one cell printed and whether it raised (``error`` is 'Name: message', or '')."""
    code: str
    stdout: str = ""
    error: str = ""


CHANNEL_RETRIES = 2  # a cell whose channel closes is sent again on a new one: the cells run here may run twice


async def _run_cell(socket_, user: str, session: str, code: str, timeout: float) -> CellResult:
    """Run ``code`` over an open kernel channel and collect its output; WebSocketClosedError when the channel closes."""
    from tornado.websocket import WebSocketClosedError

    result, msg_id = CellResult(code), uuid.uuid4().hex
    await socket_.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user, "session": session,
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    replied = idle = False
    while not (replied and idle):
        message = await asyncio.wait_for(socket_.read_message(), timeout)
        if message is None:
            raise WebSocketClosedError()
        message = json.loads(message)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream" and content["name"] == "stdout":
            result.stdout += content["text"]
        elif kind == "error":
            result.error = f"{content['ename']}: {content['evalue']}"
        elif kind == "execute_reply":
            replied = True
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    return result


async def _run_cells(hub: LocalHub, user: str, token: str, path: str, cells: list[str], timeout: float,
                     shutdown: bool) -> list[CellResult]:
    """Open a notebook session in ``user``'s server through the hub's proxy and run ``cells`` in its kernel in order."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import WebSocketClosedError, websocket_connect

    base, headers = f"{hub.url}/user/{user}", {"Authorization": f"token {token}"}
    client = AsyncHTTPClient()
    reply = await client.fetch(f"{base}/api/sessions", method="POST", headers=headers, request_timeout=120, body=json.dumps(
        {"path": path, "type": "notebook", "name": Path(path).name, "kernel": {"name": "python3"}}))
    kernel = json.loads(reply.body)["kernel"]["id"]

    async def channels():
        # tornado's default 20 s is too short for a kernel's channels when a class starts at once on a busy machine
        # (seen in CI: eight students' kernels while other tests ran); the session request above already waits 120 s
        return await websocket_connect(HTTPRequest(f"ws{base[4:]}/api/kernels/{kernel}/channels", headers=headers,
                                                   connect_timeout=120, request_timeout=120),
                                       max_message_size=256 << 20)

    socket_ = await channels()
    session, results = uuid.uuid4().hex, []
    try:
        for code in cells:
            for attempt in range(CHANNEL_RETRIES + 1):
                try:
                    result = await _run_cell(socket_, user, session, code, timeout)
                    break
                except WebSocketClosedError:  # the server closed the channel (seen once in CI, under load)
                    if attempt == CHANNEL_RETRIES:
                        raise HubError(f"{user}'s kernel closed its channel {attempt + 1} times during:\n{code}") from None
                    socket_.close()
                    socket_ = await channels()  # as JupyterLab does: a new channel to the same kernel, the cell again
            results.append(result)
            if result.error:
                break
    finally:
        socket_.close()
        if shutdown:
            await client.fetch(f"{base}/api/kernels/{kernel}", method="DELETE", headers=headers, raise_error=False)
    return results


def run_in_kernels(hub: LocalHub, jobs: dict[str, tuple[str, list[str]]], timeout: float = 300, shutdown: bool = True
                   ) -> dict[str, tuple[float, list[CellResult]]]:
    """Every user's cells at the same time, each user in a kernel of their own server, started as a notebook at
    ``path`` (so its working folder is the notebook's). Returns each user's seconds and cell results; a cell that
    raises ends that user's run. ``shutdown=False`` leaves the kernels running (to measure their memory)."""
    tokens = {user: hub.user_token(user) for user in jobs}

    async def one(user: str, path: str, cells: list[str]):
        start = time.monotonic()
        results = await _run_cells(hub, user, tokens[user], path, cells, timeout, shutdown)
        return user, (time.monotonic() - start, results)

    async def everyone():
        return dict(await asyncio.gather(*(one(user, *job) for user, job in jobs.items())))

    return asyncio.run(everyone())


def notebook_code(path: Path) -> list[str]:
    """The code cells of a notebook, in order."""
    import nbformat
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


# --------------------------------------------------------------------------------------------- make hub


def handout(folder: str | None, release: str, state: Path) -> Path:
    """The folder of notebooks new students get: ``folder`` when given, notebooks/ for the instructor release, else
    the student or graded release written from notebooks/ into ``state``/handout/ (so it is never stale)."""
    if folder:
        return Path(folder)
    if release == "instructor":
        return ROOT / "notebooks"
    from tools.release import release as write_release

    write_release(sorted((ROOT / "notebooks").glob("*.ipynb")), state / "handout")
    if release == "graded":
        print("*** The graded notebooks, in an environment that still has the repository's course_utils, solutions "
              "included: for a graded class install release/graded's wheel instead (README, For instructors).")
        return state / "handout" / "graded" / "notebooks"
    return state / "handout" / "student"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--password", default=None, help="the one password (default: a random one, kept in the state "
                                                          "folder and printed)")
    parser.add_argument("--profile", choices=["ci", "lite", "full"], help="COURSE_PROFILE for every kernel")
    parser.add_argument("--data", default=os.environ.get("COURSE_DATA_DIR"), help="the shared data folder")
    parser.add_argument("--release", choices=["student", "graded", "instructor"], default="student",
                        help="which notebooks each new student gets in ~/notebooks (default: the student version, "
                             "written afresh from notebooks/ as make release does)")
    parser.add_argument("--notebooks", help="a folder to hand out instead of --release's")
    parser.add_argument("--state", default=str(ROOT / "build" / "hub"), help="database and homes (kept between runs)")
    parser.add_argument("--admin", action="append", default=[], help="a user name with admin rights (repeatable)")
    options = parser.parse_args(argv)
    environment = {"COURSE_PROFILE": options.profile or "", "COURSE_DATA_DIR": options.data or "/srv/course-data"}
    state = Path(options.state)
    state.mkdir(parents=True, exist_ok=True)
    saved = state / "password"
    if not options.password and not saved.exists():
        saved.touch(mode=0o600)
        saved.write_text(secrets.token_urlsafe(9))
    hub = LocalHub(state, port=options.port, password=options.password or saved.read_text().strip(),
                   environment=environment, notebooks=handout(options.notebooks, options.release, state),
                   admins=options.admin, log_to_file=False)
    print(f"\n*** {WARNING}\n", flush=True)
    hub.start()
    print(f"\n*** The course hub: {hub.url}  (any user name, password: {hub.password})\n"
          f"*** Homes in {hub.state / 'home'}; Ctrl-C stops the hub and every student's server.\n", flush=True)
    try:
        hub.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
