"""The run-and-test tooling itself: the scripts parse, CI cannot quietly test nothing, `make run`
stops all it started and keeps its log, and every setting the portal reads is documented."""

import os
import re
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCRIPTS = [ROOT / ".ci/run", *sorted((ROOT / "scripts").glob("*.sh"))]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_script_is_executable_strict_bash_that_parses(script):
    assert os.access(script, os.X_OK), f"{script} is not executable"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_ci_runs_make_test_with_ci_set():
    text = (ROOT / ".ci/run").read_text()
    assert "export CI=true" in text
    assert re.search(r"^make test$", text, re.M)


PYTEST_LINE = '$PY -m pytest "${args[@]}" ${PYTEST_ARGS:-}'


def _pytest_status_handling(status: int) -> subprocess.CompletedProcess:
    """Run test.sh's handling of pytest's exit status, with pytest replaced by that status."""
    text = (ROOT / "scripts/test.sh").read_text()
    assert PYTEST_LINE in text
    tail = text[text.index("set +e") :].replace(PYTEST_LINE, f"(exit {status})")
    script = "set -euo pipefail\nsection() { :; }\n" + tail
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True)


def test_a_run_that_collects_no_test_fails():
    result = _pytest_status_handling(5)
    assert result.returncode == 1
    assert "collected no tests" in result.stderr


@pytest.mark.parametrize("status", [0, 1, 2])
def test_other_pytest_outcomes_pass_through(status):
    assert _pytest_status_handling(status).returncode == status


def test_make_knows_the_two_commands_and_the_benchmarks():
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "run", "test", "bench"],
        capture_output=True,
        text=True,
        check=True,
    )
    for script in ("scripts/run-dev.sh", "scripts/test.sh", "scripts/bench.sh"):
        assert script in result.stdout


def test_readme_documents_every_environment_variable_the_settings_read():
    read = set()
    for name in ("settings.py", "settings_test.py"):
        source = (ROOT / "portal" / name).read_text()
        read |= set(re.findall(r"""\b(?:env|_env|Env\(\))\.\w+\(\s*["']([A-Z_]+)["']""", source))
        read |= set(re.findall(r"""os\.environ(?:\.get)?[\[(]["']([A-Z_]+)["']""", source))
    readme = (ROOT / "README.md").read_text()
    assert len(read) > 15, read
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document: {missing}"


def _fake_make_run(tmp_path, token: str) -> Path:
    """run-dev.sh as it is, with migrate and the demo skipped and stand-ins for the worker and
    the server that, like them, each start a child process."""
    text = (ROOT / "scripts/run-dev.sh").read_text()
    replacements = {
        'cd "$(dirname "$0")/.."': f"cd {ROOT}",
        "$PY manage.py migrate --noinput": ":",
        "$PY manage.py load_demo": ":",
        # Like celery: a TERM to the leader stops what it started.
        ".venv/bin/celery -A portal worker": (
            f"sh -c 'trap \"kill 0\" TERM; sleep 300 & wait' fake-worker-{token}"
        ),
        # Like runserver's reloader: a child that only a signal to the group stops.
        '"$PY" manage.py runserver "$HOST:$PORT"': f"sh -c 'sleep 300 & wait' fake-server-{token}",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    script = tmp_path / "run-dev.sh"
    script.write_text(text)
    return script


def _processes_with(token: str) -> list[int]:
    # Every process the script started inherits its environment, token included.
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"MAKE_RUN_TOKEN={token}".encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue  # ended meanwhile, or not ours to read
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_make_run_stopped_by_a_signal_stops_worker_and_server_and_keeps_the_log(tmp_path, sig):
    token = uuid.uuid4().hex
    (tmp_path / "var").mkdir()
    log = tmp_path / "var" / "worker.log"
    log.write_text("an email from the run before\n")
    env = {**os.environ, "PORTAL_VAR_DIR": str(tmp_path / "var"), "MAKE_RUN_TOKEN": token}
    run = subprocess.Popen(
        ["bash", str(_fake_make_run(tmp_path, token))],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in run.stdout:
            if "Press Ctrl-C" in line:
                break
        deadline = time.monotonic() + 10
        while len(_processes_with(token)) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)  # the script, two leaders and their two children
        assert len(_processes_with(token)) >= 5
        run.send_signal(sig)
        assert run.wait(timeout=20) == 0
        deadline = time.monotonic() + 5
        while _processes_with(token) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_with(token) == []
    finally:
        for pid in _processes_with(token):
            os.kill(pid, signal.SIGKILL)
        run.kill()
    lines = log.read_text().splitlines()
    assert lines[0] == "an email from the run before"
    assert re.fullmatch(
        r"===== make run started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+ =====", lines[2]
    )
