"""The course on a real JupyterHub (hub/local_config.py through tools/hub.py): eight students at once on a shared,
read-only data folder, a login in Chromium, a restarted server, a wrong password, a stolen token, and an instructor
who collects two students' notebooks from their servers and grades them.

Everything listens on 127.0.0.1 with random ports, password and tokens; every wait is bounded; the hub and all it
started (proxy, servers, kernels) are stopped at the end, also when a test fails. Needs npm for the proxy
(``.ci/run`` installs it); the login test also needs Debian's chromium.
"""
import hashlib
import json
import os
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
import requests
from browser_helpers import CELLS_STATE, needs_chromium

from course_utils import data
from tools.hub import LocalHub, fill_shared_folder, notebook_code, run_in_kernels, unlock_shared_folder

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = [f"student{i}" for i in range(1, 9)]
SHARED_DATASETS = ["fashion_mnist", "mnist", "digit_cnn"]  # two image sets and a checkpoint

pytestmark = [pytest.mark.skipif(not shutil.which("npm"), reason="the hub's proxy comes from npm: apt-get install npm"),
              pytest.mark.server, pytest.mark.executes]


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` with its mode, size, modification time and sha256 (folders: their listing)."""
    entries = {}
    for path in sorted([folder, *folder.rglob("*")]):
        info = path.stat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else sorted(os.listdir(path))
        entries[str(path.relative_to(folder))] = (info.st_mode, info.st_size, info.st_mtime_ns, content)
    return entries


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """The hub's shared data folder, filled as an admin would and read-only to students (tools.hub.fill_shared_folder)."""
    folder = tmp_path_factory.mktemp("course-data") / "shared"
    try:
        fill_shared_folder(folder, SHARED_DATASETS)
    except data.DataUnavailableError as error:
        pytest.fail(f"the test fills the shared folder as an admin would (this machine's copies, else downloads): {error}")
    yield folder
    unlock_shared_folder(folder)


def git(*args: str, cwd: Path) -> None:
    import subprocess
    subprocess.run(["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.org", *args], cwd=cwd,
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def course_repo(tmp_path_factory) -> Path:
    """The instructor's course repository that the hub hands out with nbgitpuller (here: the notebooks, on main)."""
    repo = tmp_path_factory.mktemp("course-repo")
    shutil.copytree(ROOT / "notebooks", repo / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "the course", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def hub(tmp_path_factory, shared, course_repo):
    """A JupyterHub of the course with the ci profile that hands the course out with nbgitpuller at every start (and,
    as the local trial does, copies notebooks/ into every new home); the servers expose JupyterLab to the browser."""
    environment = {"COURSE_PROFILE": "ci", "COURSE_DATA_DIR": str(shared), "COURSE_REPO": f"file://{course_repo}"}
    with LocalHub(tmp_path_factory.mktemp("hub"), environment=environment,
                  args=["--LabApp.expose_app_in_browser=True"]) as running:
        yield running


def running(hub: LocalHub, users: list[str]) -> None:
    """Start the users' servers where they are not running, and wait for them."""
    idle = [u for u in users if not hub.api("GET", f"users/{u}").json().get("servers")]  # a new user: 404, no servers
    if idle:
        hub.start_servers(idle)
        hub.wait_ready(idle, timeout=300)


PROBE = textwrap.dedent("""
    import json, os
    from pathlib import Path
    from course_utils import data

    shared = Path(os.environ["COURSE_DATA_DIR"])
    report = {"home": os.environ["HOME"], "cache": str(data.cache_dir()), "files": {}, "loaded": {}}
    for name in NAMES:
        loaded = data.load(name, fallback=False)
        report["loaded"][name] = type(loaded).__name__
        report["files"][name] = [str(path) for path in data.locate(name, allow_download=False).values()]
    try:
        (shared / "a-student-was-here.txt").write_text("hello")
        report["write"] = "allowed"
    except OSError as error:
        report["write"] = type(error).__name__
    print(json.dumps(report))
""").replace("NAMES", repr(SHARED_DATASETS))


def test_eight_students_at_once_run_notebook_00_and_load_the_shared_data_without_writing_there(hub, shared):
    before = snapshot(shared)
    hub.start_servers(STUDENTS)
    ready = hub.wait_ready(STUDENTS, timeout=300)
    assert sorted(ready) == STUDENTS

    cells = notebook_code(ROOT / "notebooks" / "00_welcome.ipynb") + [PROBE]
    runs = run_in_kernels(hub, {user: ("notebooks/00_welcome.ipynb", cells) for user in STUDENTS}, timeout=300)

    for user, (_, results) in runs.items():
        errors = [f"{r.error} in:\n{r.code}" for r in results if r.error]
        assert not errors and len(results) == len(cells), f"{user}: {errors}"
        assert "Nothing to fix" in "".join(r.stdout for r in results), f"{user}'s environment check found something to fix"
        report = json.loads(results[-1].stdout)
        home = hub.home(user)
        assert Path(report["home"]) == home
        for name in SHARED_DATASETS:  # every file came from the shared folder
            assert report["files"][name] and all(Path(p).parent == shared / name for p in report["files"][name]), report
        assert report["loaded"]["digit_cnn"] in {"Sequential", "Functional"}
        assert report["write"] == "PermissionError", f"{user} could write into the shared folder: {report['write']}"
        assert Path(report["cache"]) == home / ".cache" / "course_utils" and Path(report["cache"]).is_dir()
    assert snapshot(shared) == before, "a student's kernel changed the shared data folder"


def test_a_stopped_and_restarted_server_keeps_the_students_edited_notebook(hub):
    user = STUDENTS[0]
    running(hub, [user])
    token = hub.user_token(user)
    contents = f"{hub.url}/user/{user}/api/contents/notebooks/my_answers.ipynb"
    mine = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 42  # edited by the student")])
    reply = requests.put(contents, headers={"Authorization": f"token {token}"}, timeout=30,
                         json={"type": "notebook", "format": "json", "content": mine})
    assert reply.status_code in (200, 201), reply.text

    hub.stop_server(user)
    hub.start_servers([user])
    hub.wait_ready([user], timeout=300)
    reply = requests.get(contents, headers={"Authorization": f"token {token}"}, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.json()["content"]["cells"][0]["source"] == "answer = 42  # edited by the student"


@pytest.mark.usefixtures("sandbox")
def test_an_instructor_collects_two_students_notebooks_from_their_servers_and_grades_them(hub, tmp_path):
    from grading.collect import Hub, collect, server_path
    from grading.engine import Grader, exercise_mark

    answers = {STUDENTS[0]: "middle = np.zeros((3, 3))\nmiddle[1, 1] = 1", STUDENTS[1]: "middle = np.eye(3)"}
    running(hub, list(answers))
    path = server_path("00", None)
    for user, answer in answers.items():  # each student answers q1 in their own copy, through their own server
        contents = f"{hub.url}/user/{user}/api/contents/{path}"
        headers = {"Authorization": f"token {hub.user_token(user)}"}
        nb = nbformat.from_dict(requests.get(contents, headers=headers, timeout=30).json()["content"])
        next(c for c in nb.cells if exercise_mark(c) == "q1").source = answer
        reply = requests.put(contents, headers=headers, timeout=30, json={"type": "notebook", "format": "json", "content": nb})
        assert reply.status_code in (200, 201), reply.text
    hub.stop_server(STUDENTS[1])  # gone home: --start starts the server for the copy and stops it again

    rows = {row["student"]: row for row in collect(Hub(hub.url, hub.token), path, tmp_path / "submitted", start=True)}
    assert [rows[user]["status"] for user in answers] == ["collected", "collected"], rows
    assert not hub.api("GET", f"users/{STUDENTS[1]}").json().get("servers")
    grader = Grader("00", seed=3)
    try:
        grades = {user: grader.grade(user, tmp_path / "submitted" / user) for user in answers}
    finally:
        grader.close()
    assert [[e.earned for e in grades[user].exercises] for user in answers] == [[2, 1], [1, 1]]


def pull(hub: LocalHub, user: str, token: str, repo: Path) -> str:
    """What a student's nbgitpuller link does, through its API: pull ``repo`` into ~/course; returns the event stream."""
    reply = requests.get(f"{hub.url}/user/{user}/git-pull/api", headers={"Authorization": f"token {token}"},
                         params={"repo": f"file://{repo}", "branch": "main", "targetpath": "course"}, timeout=120)
    assert reply.status_code == 200, reply.text
    assert '"phase": "finished"' in reply.text, reply.text[-2000:]
    return reply.text


def test_the_course_is_handed_out_by_nbgitpuller_and_a_second_pull_keeps_the_students_edits(hub, course_repo):
    user = STUDENTS[2]
    running(hub, [user])
    token = hub.user_token(user)
    auth = {"Authorization": f"token {token}"}
    pull(hub, user, token, course_repo)
    welcome = f"{hub.url}/user/{user}/api/contents/course/notebooks/00_welcome.ipynb"
    notebook = requests.get(welcome, headers=auth, timeout=30).json()["content"]
    notebook["cells"][-1]["source"] = "My notes: notebook 00 said nothing to fix."
    assert requests.put(welcome, headers=auth, timeout=30,
                        json={"type": "notebook", "format": "json", "content": notebook}).status_code == 200

    (course_repo / "notebooks" / "99_announcement.md").write_text("Exam on Friday.\n")  # the instructor adds a file
    git("add", ".", cwd=course_repo)
    git("commit", "-q", "-m", "an announcement", cwd=course_repo)
    pull(hub, user, token, course_repo)

    mine = requests.get(welcome, headers=auth, timeout=30).json()["content"]
    assert mine["cells"][-1]["source"] == "My notes: notebook 00 said nothing to fix.", "the pull lost the student's edit"
    new = requests.get(f"{hub.url}/user/{user}/api/contents/course/notebooks/99_announcement.md", headers=auth, timeout=30)
    assert new.status_code == 200 and new.json()["content"] == "Exam on Friday.\n"


def login(hub: LocalHub, user: str, password: str) -> requests.Response:
    """Post the hub's login form as a browser would (with its XSRF cookie)."""
    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=30)
    return session.post(f"{hub.url}/hub/login", timeout=60, allow_redirects=False,
                        data={"username": user, "password": password, "_xsrf": session.cookies.get("_xsrf", "")})


def test_a_wrong_password_starts_nothing(hub):
    reply = login(hub, "mallory", hub.password + "-wrong")
    assert reply.status_code == 403 or "Invalid username or password" in reply.text, reply.status_code
    assert "jupyterhub-hub-login" not in reply.headers.get("Set-Cookie", ""), "a wrong password got a login cookie"
    assert hub.api("GET", "users/mallory").status_code == 404, "a wrong password created a user"
    assert not any("mallory" in str(path) for path in (hub.state / "home").glob("*"))
    assert "mallory" not in hub.server_memory()


def test_a_students_token_is_refused_on_another_students_server_and_on_the_admin_api(hub):
    me, other = STUDENTS[0], STUDENTS[1]
    running(hub, [me, other])
    token = hub.user_token(me)
    auth = {"Authorization": f"token {token}"}
    assert requests.get(f"{hub.url}/user/{me}/api/contents", headers=auth, timeout=30).status_code == 200
    assert requests.get(f"{hub.url}/user/{other}/api/contents", headers=auth, timeout=30).status_code == 403
    assert requests.post(f"{hub.url}/user/{other}/api/kernels", headers=auth, timeout=30).status_code == 403
    assert hub.api("GET", "users", token=token).status_code == 403           # the admin API's list of users
    assert hub.api("POST", "users/eve", token=token).status_code == 403       # creating a user
    # another student's server: JupyterHub answers 404 where the token may not even see the user (it hides who exists)
    assert hub.api("DELETE", f"users/{other}/server", token=token).status_code in (403, 404)
    assert hub.api("GET", f"users/{other}", token=token).status_code in (403, 404)
    assert hub.api("GET", f"users/{other}").json()["servers"], "the refused stop stopped the other student's server"


@needs_chromium
def test_a_student_logs_in_on_the_hub_page_in_chromium_and_runs_notebook_02(hub, browser, tmp_path):
    user = "student-in-chromium"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.password)
    page.click("#login_submit")
    # the hub starts the server, nbgitpuller pulls the course into ~/course and JupyterLab opens notebook 00
    page.wait_for_url(f"**/user/{user}/lab/tree/course/notebooks/00_welcome.ipynb*", timeout=300_000)
    page.goto(f"{hub.url}/user/{user}/lab/tree/course/notebooks/02_convolution_by_hand.ipynb")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
    page.wait_for_function(f"(s => s && s.kernel === 'idle')(({CELLS_STATE})())", timeout=180_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(f"(s => s && s.run === s.code && s.kernel === 'idle')(({CELLS_STATE})())", timeout=300_000)
    state = page.evaluate(f"({CELLS_STATE})()")
    page.screenshot(path=tmp_path / "notebook_02_on_the_hub.png")
    assert state["code"] == len(notebook_code(ROOT / "notebooks" / "02_convolution_by_hand.ipynb"))
    assert state["errors"] == [], state["errors"]
    assert page.locator(".jp-OutputArea-output img").count() >= 3  # its figures reached the browser


def test_a_hub_killed_hard_leaves_nothing_behind_once_stopped(tmp_path, shared):
    with LocalHub(tmp_path / "crashing", environment={"COURSE_PROFILE": "ci", "COURSE_DATA_DIR": str(shared)}) as hub:
        hub.start_servers(["crash-test"])
        hub.wait_ready(["crash-test"], timeout=300)
        assert len(hub.leftovers()) >= 3  # the hub, its proxy and the student's server
        hub.process.kill()                # no chance to stop its proxy and servers
        hub.process.wait()
        assert hub.leftovers(), "the proxy and the server outlive a hub killed hard"
    assert hub.leftovers() == []
