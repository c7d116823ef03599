"""The course on a real JupyterHub, end to end, as a class would use it.

A JupyterHub on 127.0.0.1 (configurable-http-proxy from Debian's
node-configurable-http-proxy) runs deploy/jupyterhub/jupyterhub_config.py with
test settings: SimpleLocalProcessSpawner instead of systemd (absent here), so
each user gets a home folder of their own but no memory limit is enforced, and
every server runs as the test's own Unix user; the dummy authenticator, since
the users come from the REST API. An instructor and two learners then work
through the hub's REST API and the kernel websocket only: a learner follows
the nbgitpuller link of ``pmcourse link`` (pulling from a local bare clone of
this repository's HEAD: no network) and runs a module notebook cell by cell;
the instructor releases an assignment through nbgrader's exchange; each learner
fetches and submits it (one correct, one untouched); the instructor collects
and autogrades, and the scores are checked. The Formgrader service answers the
instructor and refuses a learner. Then the hub and every process it started
are stopped.

Without configurable-http-proxy or git this skips; under CI (CI=true) that is
a failure.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import psutil
import pytest
from grading_helpers import master_answers
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from pmcourse.deploy import Repository, nbgitpuller_link
from pmcourse.grading import fill_answers, scores

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DEPLOY_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
BIN = Path(sys.executable).parent
COURSE_ID = "personalised-medicine"
ASSIGNMENT = "01_foundations"
NOTEBOOK = "notebooks/01_foundations.ipynb"
INSTRUCTOR, LEARNERS = "teacher", ("ada", "bo")
#: Debian's configurable-http-proxy finds its modules there; a Node.js from elsewhere does not.
DEBIAN_NODE_MODULES = "/usr/share/nodejs"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        message = (
            f"{name} is not installed (Debian: apt-get install node-configurable-http-proxy git)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " Under CI a missing tool is a failure.")
        pytest.skip(message)
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Hub:
    url: str
    token: str  # the test's own service token (admin)
    course: Path  # the instructors' nbgrader course folder
    repo: Repository  # the bare clone the learners pull from
    log: Path
    tokens: dict[str, str]
    last_url: str = ""  # where the last request ended, after redirects

    def request(self, method: str, path: str, *, user: str | None = None, body=None, form=None):
        """One HTTP request through the hub's proxy, as `user` (default: the test's service)."""
        token = self.tokens[user] if user else self.token
        data, headers = None, {"Authorization": f"token {token}"}
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                text = answer.read().decode()
                self.last_url = answer.url
                return answer.status, _json_or_text(text)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except urllib.error.URLError as error:  # not (yet) listening
            return 0, str(error.reason)

    def ok(self, method: str, path: str, **kwargs):
        status, answer = self.request(method, path, **kwargs)
        assert status < 300, f"{method} {path}: HTTP {status}: {str(answer)[:500]}\n{self.tail()}"
        return answer

    def tail(self) -> str:
        return "hub log (end):\n" + self.log.read_text(errors="replace")[-3000:]


def _json_or_text(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _bare_clone(folder: Path) -> Repository:
    """This repository's HEAD as branch main of a bare repository: what the hub pulls."""
    bare = folder / "intro-personalised-medicine"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    # CI may test a shallow clone; the bare repository then takes its history as it is.
    subprocess.run(["git", "-C", str(bare), "config", "receive.shallowUpdate", "true"], check=True)
    subprocess.run(
        ["git", "-C", str(ROOT), "push", "--quiet", str(bare), "HEAD:refs/heads/main"], check=True
    )
    return Repository(bare.as_uri(), "main")


def _test_config(folder: Path, token: str, hub_port: int, api_port: int) -> Path:
    root_flags = ["--allow-root"] if os.geteuid() == 0 else []
    config = folder / "jupyterhub_config.py"
    config.write_text(
        f"""
c = get_config()
load_subconfig({str(DEPLOY_CONFIG)!r})
# No systemd here: a local process per user, each with its own home (no memory limit).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(folder / "homes" / "{username}")!r}
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = {root_flags!r}
c.Spawner.start_timeout = c.Spawner.http_timeout = 120
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
for service in c.JupyterHub.services:
    if service["name"] == "formgrader":
        service["command"] += {root_flags!r}
c.JupyterHub.services.append({{"name": "e2e-test", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "admin", "services": ["e2e-test"]}})
"""
    )
    return config


def _start(command, env, cwd, log) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> list[str]:
    """Stop the hub (it stops servers, services and proxy); names of what it left running."""
    started = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    _, alive = psutil.wait_procs(started, timeout=15)
    left = []
    for child in alive:
        try:
            left.append(" ".join(child.cmdline()[:3]))
            child.kill()
        except psutil.NoSuchProcess:
            pass
    return left


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[Hub]:
    _tool("configurable-http-proxy")
    _tool("git")
    folder = tmp_path_factory.mktemp("hub")
    course, exchange = folder / "course", folder / "exchange"
    (course / "source").mkdir(parents=True)
    shutil.copy2(ROOT / "exercises" / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "exercises" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    exchange.mkdir(mode=0o777)
    port, hub_port, api_port, formgrader_port = (_free_port() for _ in range(4))
    token = uuid.uuid4().hex
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "NODE_PATH": os.pathsep.join(
            filter(None, [os.environ.get("NODE_PATH"), DEBIAN_NODE_MODULES])
        ),
        "PMCOURSE_COURSE_ID": COURSE_ID,
        "PMCOURSE_COURSE_DIR": str(course),
        "PMCOURSE_EXCHANGE": str(exchange),
        "PMCOURSE_STATE_DIR": str(folder),
        "PMCOURSE_INSTRUCTORS": INSTRUCTOR,
        "PMCOURSE_GRADER_USER": "",
        "PMCOURSE_FORMGRADER_URL": f"http://127.0.0.1:{formgrader_port}",
        "PMCOURSE_BIND_URL": f"http://127.0.0.1:{port}",
        "PMCOURSE_AUTHENTICATOR": "dummy",
    }
    config = _test_config(folder, token, hub_port, api_port)
    log = folder / "jupyterhub.log"
    process = _start([sys.executable, "-m", "jupyterhub", "-f", str(config)], env, folder, log)
    server = Hub(f"http://127.0.0.1:{port}", token, course, _bare_clone(folder), log, {})
    try:
        deadline = time.monotonic() + 90
        while server.request("GET", "/hub/api/")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterHub did not start.\n{server.tail()}")
            time.sleep(0.5)
        server.ok("POST", "/hub/api/users", body={"usernames": list(LEARNERS)})
        for name in (INSTRUCTOR, *LEARNERS):
            server.tokens[name] = server.ok(
                "POST", f"/hub/api/users/{name}/tokens", body={"note": "end-to-end test"}
            )["token"]
            server.request("POST", f"/hub/api/users/{name}/server")
        for name in (INSTRUCTOR, *LEARNERS):
            deadline = time.monotonic() + 120
            while (
                not server.ok("GET", f"/hub/api/users/{name}")["servers"].get("", {}).get("ready")
            ):
                assert time.monotonic() < deadline, (
                    f"{name}'s server did not start.\n{server.tail()}"
                )
                time.sleep(0.5)
        yield server
    finally:
        left = _stop(process)
    assert not left, f"the hub left processes running: {left}"


def _message(code: str, session: str) -> dict:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": "execute_request",
        "session": session,
        "username": "e2e-test",
        "version": "5.3",
        "date": datetime.now(UTC).isoformat(),
    }
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}  # fmt: skip
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content,
            "channel": "shell", "buffers": []}  # fmt: skip


async def _execute(url: str, token: str, cells: list[str], timeout: float) -> list[list[dict]]:
    """Run each code cell on a kernel through its websocket; the outputs of each cell."""
    request = HTTPRequest(url, headers={"Authorization": f"token {token}"})
    connection = await websocket_connect(request)
    session, results = uuid.uuid4().hex, []
    try:
        for code in cells:
            message = _message(code, session)
            await connection.write_message(json.dumps(message))
            outputs, replied, idle = [], False, False
            while not (replied and idle):
                raw = await asyncio.wait_for(connection.read_message(), timeout)
                assert raw is not None, "the kernel's websocket closed"
                reply = json.loads(raw)
                if reply["parent_header"].get("msg_id") != message["header"]["msg_id"]:
                    continue
                kind = reply["header"]["msg_type"]
                if kind in ("stream", "error", "execute_result", "display_data"):
                    outputs.append({"output_type": kind, **reply["content"]})
                idle |= kind == "status" and reply["content"]["execution_state"] == "idle"
                replied |= kind == "execute_reply"
            results.append(outputs)
    finally:
        connection.close()
    return results


def run_on_kernel(hub: Hub, user: str, cells: list[str], notebook: str | None = None):
    """Start a kernel on `user`'s server (in the folder of `notebook`), run the cells, stop it."""
    if notebook:
        body = {"path": notebook, "type": "notebook", "kernel": {"name": "python3"}}
        kernel = hub.ok("POST", f"/user/{user}/api/sessions", user=user, body=body)["kernel"]["id"]
    else:
        kernel = hub.ok("POST", f"/user/{user}/api/kernels", user=user, body={"name": "python3"})[
            "id"
        ]
    url = hub.url.replace("http", "ws", 1) + f"/user/{user}/api/kernels/{kernel}/channels"
    try:
        # A thread of its own: earlier tests (Playwright's sync API) may leave an
        # event loop running in this one, where asyncio.run refuses to start.
        with ThreadPoolExecutor(max_workers=1) as thread:
            execution = _execute(url, hub.tokens[user], cells, timeout=300)
            return thread.submit(asyncio.run, execution).result()
    finally:
        hub.request("DELETE", f"/user/{user}/api/kernels/{kernel}", user=user)


def _problems(cells: list[str], outputs: list[list[dict]]) -> list[str]:
    return [
        f"cell {i} ({code[:60]!r}): "
        f"{o.get('ename', '')} {o.get('evalue', '')}{o.get('text', '')[:300]}"
        for i, (code, cell) in enumerate(zip(cells, outputs, strict=True))
        for o in cell
        if o["output_type"] == "error" or o.get("name") == "stderr"
    ]


def test_a_learner_pulls_the_course_with_the_link_and_runs_a_module(hub):
    link = nbgitpuller_link(hub.url, NOTEBOOK, repo=hub.repo)
    learner = LEARNERS[0]
    # Not signed in, the hub asks to sign in first and then goes on to the link.
    path = link.removeprefix(hub.url)
    status, _ = hub.request("GET", path, user=learner)
    assert status == 200 and hub.last_url.startswith(f"{hub.url}/hub/login?"), hub.last_url
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(hub.last_url).query)["next"] == [path]
    # Signed in, user-redirect sends the learner to their own server: nbgitpuller's page.
    mine = path.replace("/hub/user-redirect/", f"/user/{learner}/", 1)
    status, page = hub.request("GET", mine, user=learner)
    assert status == 200 and "nbgitpuller" in page.lower(), (status, hub.last_url, page[-1500:])
    # That page then asks nbgitpuller's API to pull; it streams the progress.
    query = urllib.parse.urlsplit(link).query
    status, events = hub.request("GET", f"/user/{learner}/git-pull/api?{query}", user=learner)
    assert status == 200 and '"phase": "finished"' in events, events[-1000:]
    path = f"{hub.repo.folder}/{NOTEBOOK}"
    notebook = nbformat.from_dict(
        hub.ok("GET", f"/user/{learner}/api/contents/{path}?content=1", user=learner)["content"]
    )
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    outputs = run_on_kernel(hub, learner, cells, notebook=path)
    problems = _problems(cells, outputs)
    assert not problems, f"{NOTEBOOK} on the hub:\n" + "\n".join(problems)
    assert sum(len(cell) for cell in outputs) >= len(cells) // 2, "the notebook showed little"


def test_the_formgrader_is_for_instructors_only(hub):
    status, page = hub.request("GET", "/services/formgrader/formgrader/", user=INSTRUCTOR)
    assert status == 200 and "formgrade" in page.lower(), (status, page[:300])
    status, _ = hub.request("GET", "/services/formgrader/formgrader/", user=LEARNERS[1])
    assert status == 403
    # Nor is there a Formgrader in the learners' own servers.
    status, _ = hub.request("GET", f"/user/{LEARNERS[1]}/formgrader", user=LEARNERS[1])
    assert status == 404


def _nbgrader_cells(course: Path, *commands: str) -> list[str]:
    """Kernel code that runs nbgrader commands in the course folder, as the instructor would."""
    return [
        f"import os, subprocess, sys\nos.chdir({str(course)!r})",
        *(
            f"run = subprocess.run([sys.executable, '-m', 'nbgrader', *{command.split()!r}],"
            " capture_output=True, text=True)\n"
            "print(run.stdout[-2000:], run.stderr[-3000:] if run.returncode else '')\n"
            f"assert run.returncode == 0, 'nbgrader {command} failed'"
            for command in commands
        ),
    ]


def test_an_assignment_goes_round_the_exchange_and_is_graded(hub):
    cells = _nbgrader_cells(
        hub.course, f"generate_assignment {ASSIGNMENT} --force", f"release_assignment {ASSIGNMENT}"
    )
    outputs = run_on_kernel(hub, INSTRUCTOR, cells)
    assert not [o for cell in outputs for o in cell if o["output_type"] == "error"], outputs

    answers = master_answers(hub.course, ASSIGNMENT)
    for learner, correct in zip(LEARNERS, (True, False), strict=True):
        form = {"course_id": COURSE_ID, "assignment_id": ASSIGNMENT}
        fetched = hub.ok("POST", f"/user/{learner}/assignments/fetch", user=learner, form=form)
        assert fetched.get("success"), fetched
        path = f"/user/{learner}/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
        if correct:
            notebook = nbformat.from_dict(
                hub.ok("GET", f"{path}?content=1", user=learner)["content"]
            )
            body = {
                "type": "notebook",
                "format": "json",
                "content": fill_answers(notebook, answers),
            }
            hub.ok("PUT", path, user=learner, body=body)
        submitted = hub.ok("POST", f"/user/{learner}/assignments/submit", user=learner, form=form)
        assert submitted.get("success"), submitted

    cells = _nbgrader_cells(hub.course, f"collect {ASSIGNMENT}", f"autograde {ASSIGNMENT} --force")
    outputs = run_on_kernel(hub, INSTRUCTOR, cells)
    assert not [o for cell in outputs for o in cell if o["output_type"] == "error"], outputs
    table = scores(hub.course, ASSIGNMENT)
    right, wrong = (table.loc[name] for name in LEARNERS)
    assert right.autograded_max > 0
    assert right.autograded_score == right.autograded_max, table
    assert wrong.autograded_score == 0, table
