"""Collect one notebook from every student's server on a JupyterHub into ``submitted/<student>/``, for ``make grade``.

It works the same on The Littlest JupyterHub and on Zero to JupyterHub (where the instructor cannot reach the students'
home volumes): it reads each student's file through their server's contents API, with a hub token that may access
the servers (an admin's, or a service's with the ``admin:servers`` and ``access:servers`` scopes). A server that is
not running is started for the copy and stopped again with ``--start``, else listed as not collected. Each copy is
written atomically, with a line in ``collected.csv`` (student, status, the file's last change on the server, bytes).

    export JUPYTERHUB_API_TOKEN=...     # hub's Token page, as an admin
    python -m grading.collect 02 --hub https://hub.example.org --to submitted/
    python -m grading 02 submitted/     # then grade them

    >>> server_path("02", None)
    'notebooks/02_convolution_by_hand.ipynb'
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

import requests

from grading.engine import instructor_notebook


def server_path(notebook: str, path: str | None) -> str:
    """Where the notebook lies in a student's home: ``path``, else notebooks/ + the notebook's file name (where
    ``make hub`` puts it; with nbgitpuller's ``COURSE_REPO`` it is course/ + the repository's path)."""
    return path or f"notebooks/{instructor_notebook(notebook).name}"


class Hub:
    """The hub's REST API and the students' servers, with one token."""

    def __init__(self, url: str, token: str):
        self.url, self.session = url.rstrip("/"), requests.Session()
        self.session.headers["Authorization"] = f"token {token}"

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, f"{self.url}/hub/api/{path}", timeout=30, **kwargs)

    def students(self) -> list[dict]:
        """Every user who is not an admin, with their servers."""
        reply = self.api("GET", "users")
        reply.raise_for_status()
        return [user for user in reply.json() if not user.get("admin")]

    def start(self, user: str, timeout: float) -> bool:
        self.api("POST", f"users/{user}/server")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"users/{user}").json().get("servers", {}).get("")
            if server and server.get("ready"):
                return True
            time.sleep(1)
        return False

    def stop(self, user: str) -> None:
        self.api("DELETE", f"users/{user}/server")

    def fetch(self, user: str, path: str) -> tuple[bytes | None, str, str]:
        """(the notebook's JSON, its last change on the server, status) for ``user``."""
        reply = self.session.get(f"{self.url}/user/{user}/api/contents/{path}", timeout=60,
                                 params={"type": "file", "format": "text", "content": "1"})  # as it is, even broken
        if reply.status_code == 404:
            return None, "", f"no {path} in the student's home"
        if reply.status_code != 200:
            return None, "", f"the server answered {reply.status_code}"
        model = reply.json()
        return model["content"].encode(), model.get("last_modified", ""), "collected"


def collect(hub: Hub, path: str, out: Path, start: bool = False, timeout: float = 300) -> list[dict]:
    """Copy ``path`` from every student's server into ``out``/<student>/<file>; one row per student."""
    rows = []
    for user in sorted(hub.students(), key=lambda u: u["name"]):
        name, running = user["name"], bool(user.get("servers", {}).get("", {}).get("ready"))
        row = {"student": name, "status": "", "last_modified": "", "bytes": 0}
        started = False
        if not running and start:
            started = running = hub.start(name, timeout)
        if not running:
            row["status"] = "not collected: the server is not running (start it, or pass --start)"
        else:
            data, row["last_modified"], row["status"] = hub.fetch(name, path)
            if data is not None:
                target = out / name / Path(path).name
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(".partial")
                partial.write_bytes(data)
                os.replace(partial, target)
                row["bytes"] = len(data)
        if started:
            hub.stop(name)
        rows.append(row)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "collected.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["student", "status", "last_modified", "bytes"])
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", help="the notebook's number, e.g. 02")
    parser.add_argument("--hub", required=True, help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("--to", type=Path, default=Path("submitted"), help="default: submitted/")
    parser.add_argument("--path", help="the notebook's path in a student's home (default: notebooks/NN_name.ipynb)")
    parser.add_argument("--start", action="store_true", help="start a stopped server for the copy, then stop it")
    options = parser.parse_args(argv)
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not token:
        print("Set JUPYTERHUB_API_TOKEN to an admin's token (the hub's Token page).", file=sys.stderr)
        return 2
    rows = collect(Hub(options.hub, token), server_path(options.notebook, options.path), options.to, options.start)
    done = sum(row["status"] == "collected" for row in rows)
    print(f"collected {done} of {len(rows)} students into {options.to}/ (collected.csv says why for the rest)")
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
