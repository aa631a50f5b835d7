"""A JupyterHub on this one machine, for trying the course as a class would: ``make hub`` (and the hub test) load this.

FOR LOCAL TRIALS ONLY. Anyone who can reach the port logs in with any user name and the one shared password
(JupyterHub's DummyAuthenticator). ``make hub`` binds to 127.0.0.1. For a real class use your institution's
authenticator and a spawner that isolates students (README.md, "On a JupyterHub").

The course's own settings come from ``jupyterhub_config.py`` beside this file; what is local is set here from
environment variables that ``tools/hub.py`` fills in:

    COURSE_HUB_STATE      folder for the hub's database, cookie secret and the students' homes (home/NAME)
    COURSE_HUB_PORT, COURSE_HUB_HUB_PORT, COURSE_HUB_API_PORT   the public, internal and proxy-API ports
    COURSE_HUB_PROXY      the configurable-http-proxy executable
    COURSE_HUB_PASSWORD   the one password every user logs in with
    COURSE_HUB_BIN        the course environment's bin/ (its jupyterhub-singleuser and kernel run every server)
    COURSE_HUB_NOTEBOOKS  a folder copied to ~/notebooks in a new home (an existing copy is never overwritten)
    COURSE_HUB_SERVICE_TOKEN  optional: an API token with admin scopes for tools/hub.py's client
    COURSE_HUB_ADMINS     optional: comma-separated admin user names
    COURSE_HUB_ARGS       optional: extra arguments for every single-user server
"""
import ctypes
import os
import shutil
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner

c = get_config()  # noqa: F821
load_subconfig(str(Path(__file__).with_name("jupyterhub_config.py")))  # noqa: F821

STATE = Path(os.environ["COURSE_HUB_STATE"])
BIN = Path(os.environ["COURSE_HUB_BIN"])
PR_CAPBSET_DROP = 24
ROOT_FILE_CAPABILITIES = (0, 1, 2, 3)  # CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER (linux/capability.h)


class CourseTrialSpawner(SimpleLocalProcessSpawner):
    """Each student in their own home with their own copy of the notebooks.

    Every server runs as the hub's own user (this spawner does not isolate students from each other on disk). A
    hub started as root (a container) takes from each server the capabilities that let root ignore file
    permissions, so a read-only shared data folder is read-only to the students' kernels too.
    """

    async def start(self):
        home = Path(self.home_dir)
        home.mkdir(parents=True, exist_ok=True)
        notebooks = os.environ.get("COURSE_HUB_NOTEBOOKS")
        if notebooks and not (home / "notebooks").exists():
            shutil.copytree(notebooks, home / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        return await super().start()

    def make_preexec_fn(self, name):
        home, as_root = self.home_dir, os.geteuid() == 0

        def preexec():
            if as_root:
                libc = ctypes.CDLL(None, use_errno=True)
                for capability in ROOT_FILE_CAPABILITIES:
                    if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                        raise OSError(ctypes.get_errno(), f"cannot drop capability {capability}")
            os.chdir(home)

        return preexec


c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["COURSE_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["COURSE_HUB_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['COURSE_HUB_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["COURSE_HUB_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie_secret")
c.JupyterHub.cleanup_servers = True

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["COURSE_HUB_PASSWORD"]
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {name for name in os.environ.get("COURSE_HUB_ADMINS", "").split(",") if name}

c.JupyterHub.spawner_class = CourseTrialSpawner
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = (["--allow-root"] if os.geteuid() == 0 else []) + os.environ.get("COURSE_HUB_ARGS", "").split()
# Every server of a trial shares one machine, maybe a laptop or two busy CI cores (the tests run beside other tests):
# give a class arriving at once more time than the course's settings give a hub node (120 s to answer, 180 to start).
c.Spawner.http_timeout = 300
c.Spawner.start_timeout = 300
# COURSE_HUB_STATE marks every server and kernel as this hub's, so tools/hub.py can stop them after a hard crash.
c.Spawner.environment.update({"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
                              "COURSE_HUB_STATE": str(STATE)})

if os.environ.get("COURSE_HUB_SERVICE_TOKEN"):
    c.JupyterHub.services.append({"name": "course-hub-tool", "api_token": os.environ["COURSE_HUB_SERVICE_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "course-hub-tool", "services": ["course-hub-tool"],
                                    "scopes": ["admin:users", "admin:servers", "access:servers", "tokens"]})
