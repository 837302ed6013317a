"""The run-and-test tooling itself: the scripts parse, CI cannot quietly test nothing, and every
setting the portal reads is documented."""

import os
import re
import subprocess
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
