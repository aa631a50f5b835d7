"""The course's part of a JupyterHub configuration: what every student's server needs, whatever the deployment.

Use it as it is, or load it from your own ``jupyterhub_config.py`` and keep your authenticator and spawner there:

    c = get_config()
    load_subconfig("/path/to/the/course/hub/jupyterhub_config.py")

- **The Littlest JupyterHub**: copy this file to ``/opt/tljh/config/jupyterhub_config.d/course.py`` and run
  ``sudo tljh-config reload``; TLJH's systemd spawner enforces the memory and CPU limits below.
- **Zero to JupyterHub on Kubernetes**: ``hub/z2jh-values.yaml`` sets the same things in Helm values (the
  Kubernetes spawner enforces the limits and mounts the shared data read-only).
- **repo2docker / Binder**: ``environment.yml`` at the repository root builds the image; set the variables below
  in the hub that launches it.

Every setting can be changed without editing this file, through an environment variable of the hub process:

    COURSE_DATA_DIR     the shared, read-only data folder              (default /srv/course-data)
    COURSE_PROFILE      ci | lite | full for every kernel               (default: unset, a GPU makes it full)
    COURSE_START_PAGE   the page a student lands on                    (default notebook 00 in ~/notebooks)
    COURSE_REPO         a git repository to hand out with nbgitpuller: every start pulls it into ~/course (new
                        files arrive, a student's own changes are kept) and opens COURSE_REPO_START in it
    COURSE_REPO_BRANCH  its branch                                     (default main)
    COURSE_REPO_START   the notebook to open, inside the repository    (default notebooks/00_welcome.ipynb)
    COURSE_MEM_LIMIT    memory per student server, e.g. 4G             (default 4G)
    COURSE_CPU_LIMIT    CPU cores per student server                   (default 2)

README.md ("On a JupyterHub") gives the measured sizes behind the defaults (``make bench BENCH=hub``).
"""
import os
from urllib.parse import urlencode

c = get_config()  # noqa: F821 (JupyterHub defines get_config when it loads this file)

COURSE_SETTINGS = {
    "COURSE_DATA_DIR": "/srv/course-data",
    "COURSE_PROFILE": "",
    "COURSE_START_PAGE": "/lab/tree/notebooks/00_welcome.ipynb",
    "COURSE_REPO": "",
    "COURSE_REPO_BRANCH": "main",
    "COURSE_REPO_START": "notebooks/00_welcome.ipynb",
    "COURSE_MEM_LIMIT": "4G",
    "COURSE_CPU_LIMIT": "2",
}
setting = {name: os.environ.get(name, default) for name, default in COURSE_SETTINGS.items()}

# What every kernel sees: the data layer reads the shared folder first and never writes there; downloads that still
# happen go to the student's own ~/.cache/course_utils. TensorFlow's C++ start-up lines stay out of the notebooks.
c.Spawner.environment.update({"COURSE_DATA_DIR": setting["COURSE_DATA_DIR"], "TF_CPP_MIN_LOG_LEVEL": "2"})
if setting["COURSE_PROFILE"]:
    c.Spawner.environment.update({"COURSE_PROFILE": setting["COURSE_PROFILE"]})

# Students land in JupyterLab on notebook 00, the environment check; with COURSE_REPO, after nbgitpuller has pulled
# the course into ~/course (the same link, with /hub/user-redirect in front, can go into an email or the LMS).
c.Spawner.default_url = setting["COURSE_START_PAGE"]
if setting["COURSE_REPO"]:
    c.Spawner.default_url = "/git-pull?" + urlencode({
        "repo": setting["COURSE_REPO"], "branch": setting["COURSE_REPO_BRANCH"], "targetpath": "course",
        "urlpath": f"lab/tree/course/{setting['COURSE_REPO_START']}"})

# Enforced by the spawners that can (TLJH's systemd spawner, KubeSpawner, DockerSpawner); the plain local
# spawner only passes them on as MEM_LIMIT and CPU_LIMIT.
c.Spawner.mem_limit = setting["COURSE_MEM_LIMIT"]
c.Spawner.cpu_limit = float(setting["COURSE_CPU_LIMIT"])

# A class arriving at once: a server that imports TensorFlow on a busy node needs more than the 60 s default to answer.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
c.JupyterHub.concurrent_spawn_limit = 100

# Give an idle student's resources (a GPU, above all) back after an hour, where the culler is installed
# (pip install jupyterhub-idle-culler in the hub's environment).
try:
    import jupyterhub_idle_culler  # noqa: F401
except ImportError:
    pass
else:
    c.JupyterHub.load_roles.append({
        "name": "idle-culler", "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    })
    c.JupyterHub.services.append({
        "name": "idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    })
