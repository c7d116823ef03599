"""JupyterHub for one course on one server: Introduction to personalised medicine.

Up to about a hundred learners on one machine (sizing: book/benchmarks.md). Each
learner's server runs as a systemd unit of its own (jupyterhub-systemdspawner):
a home of its own, a memory and a CPU limit. The course comes in with an
nbgitpuller link (``pmcourse link --hub URL``); assignments go through nbgrader's
exchange folder; instructors grade in the Formgrader, a hub service; idle
servers are stopped by jupyterhub-idle-culler. The IT guide in the book
(book/it_guide.md) walks through the installation, HTTPS, sign-in and backups.

Every setting below may also be given as an environment variable named
``PMCOURSE_<SETTING>`` (the end-to-end test, tests/test_hub.py, uses that to run
this file on 127.0.0.1 with temporary folders).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)


def setting(name: str, default: str) -> str:
    return os.environ.get(f"PMCOURSE_{name}", default)


# ---- Settings ------------------------------------------------------------------
COURSE_ID = setting("COURSE_ID", "personalised-medicine")
#: The instructors' nbgrader course: the exercises/ folder of a clone of the repository.
COURSE_DIR = setting("COURSE_DIR", "/srv/pmcourse/exercises")
#: nbgrader's exchange: every learner's server can write to it (mode 0777, see the guide).
EXCHANGE = setting("EXCHANGE", "/srv/nbgrader/exchange")
#: The hub's database and cookie secret (back this folder up with the gradebook).
STATE_DIR = setting("STATE_DIR", "/srv/jupyterhub")
#: Hub user names of the instructors, separated by spaces; everyone else is a learner.
INSTRUCTORS = setting("INSTRUCTORS", "").split()
#: The Unix account that runs the Formgrader and owns COURSE_DIR ("" = the hub's own).
GRADER_USER = setting("GRADER_USER", "pmcourse-grader")
FORMGRADER_URL = setting("FORMGRADER_URL", "http://127.0.0.1:9999")
#: Per learner. `make bench` measured 389 MB for one active learner (server and a
#: kernel that ran the heaviest module; book/benchmarks.md). The guarantee gives about
#: 90 MB of room above it, 40 learners in 80% of 24 GB, what the machine is sized for;
#: the limit leaves room for a learner's own experiments (their kernel is stopped above it).
MEM_GUARANTEE = setting("MEM_GUARANTEE", "480M")
MEM_LIMIT = setting("MEM_LIMIT", "1G")
CPU_LIMIT = float(setting("CPU_LIMIT", "1"))
#: Stop a learner's server after this many seconds without activity (work is kept).
IDLE_TIMEOUT = setting("IDLE_TIMEOUT", "3600")
BIND_URL = setting("BIND_URL", "http://127.0.0.1:8000")  # behind the HTTPS reverse proxy
# nbgrader/: the exchange and course for every server; learner/: no Formgrader there
# (instructors grade in the Formgrader service). Found through JUPYTER_CONFIG_PATH.
NBGRADER_CONFIG = Path(__file__).resolve().parent / "nbgrader"
LEARNER_CONFIG = Path(__file__).resolve().parent / "learner"
BIN = Path(sys.executable).parent

# ---- The hub ---------------------------------------------------------------------
c.JupyterHub.bind_url = BIND_URL
c.JupyterHub.db_url = f"sqlite:///{STATE_DIR}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{STATE_DIR}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.pid_file = f"{STATE_DIR}/jupyterhub-proxy.pid"

# ---- Sign-in: LTI 1.3 from the learning platform (OIDC instead: see the guide) -----
c.JupyterHub.authenticator_class = setting(
    "AUTHENTICATOR", "ltiauthenticator.lti13.auth.LTI13Authenticator"
)
c.LTI13Authenticator.issuer = setting("LTI_ISSUER", "")
c.LTI13Authenticator.client_id = setting("LTI_CLIENT_ID", "").split()
c.LTI13Authenticator.authorize_url = setting("LTI_AUTHORIZE_URL", "")
c.LTI13Authenticator.jwks_endpoint = setting("LTI_JWKS_ENDPOINT", "")
c.Authenticator.allow_all = True  # whoever the platform sends in is in the course
c.Authenticator.admin_users = set(INSTRUCTORS)
c.JupyterHub.load_groups = {"instructors": {"users": INSTRUCTORS}}

# ---- Learners' servers: a home each, limits, the course's nbgrader settings ---------
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.Spawner.default_url = "/lab"
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.mem_guarantee = MEM_GUARANTEE  # recorded; systemd enforces the limit only
c.Spawner.cpu_limit = CPU_LIMIT
c.SystemdSpawner.dynamic_users = True  # a Unix user and home directory per hub user
c.SystemdSpawner.readwrite_paths = [EXCHANGE]
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True


def student_id(spawner) -> str:
    """The learner's hub name (nbgrader names a submission after it); none for instructors."""
    return "" if spawner.user.name in INSTRUCTORS else spawner.user.name


c.Spawner.environment = {
    # nbgrader/nbgrader_config.py: the exchange folder, the course id, the student id.
    "JUPYTER_CONFIG_PATH": os.pathsep.join([str(LEARNER_CONFIG), str(NBGRADER_CONFIG)]),
    "PMCOURSE_COURSE_ID": COURSE_ID,
    "PMCOURSE_EXCHANGE": EXCHANGE,
    "PMCOURSE_STUDENT_ID": student_id,
}

# ---- Services: the Formgrader for instructors, the idle culler ----------------------
formgrader = {
    "name": "formgrader",
    "url": FORMGRADER_URL,
    "command": [str(BIN / "jupyterhub-singleuser"), f"--ServerApp.root_dir={COURSE_DIR}"],
    "cwd": COURSE_DIR,
    "environment": {
        "JUPYTER_CONFIG_PATH": str(NBGRADER_CONFIG),
        "PMCOURSE_COURSE_ID": COURSE_ID,
        "PMCOURSE_EXCHANGE": EXCHANGE,
    },
    "oauth_no_confirm": True,
}
if GRADER_USER:
    formgrader["user"] = GRADER_USER
c.JupyterHub.services = [
    formgrader,
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={IDLE_TIMEOUT}"],
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "instructor",
        "description": "Grade in the Formgrader; list the learners and open their servers",
        "groups": ["instructors"],
        "scopes": [
            "access:services!service=formgrader",
            "list:users",
            "read:users",
            "access:servers",  # open a learner's server to help
        ],
    },
    {
        "name": "idle-culler",
        "description": "Stop servers idle for longer than IDLE_TIMEOUT",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]
