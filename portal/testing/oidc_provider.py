"""A real OpenID Connect provider for the tests: node's oidc-provider (tests_support/oidc/),
started on 127.0.0.1, on a free port, once per test session.

Its packages are installed from the committed package-lock.json (`npm ci`) the first time; under
CI=true a machine without node fails the run instead of leaving the tests out.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.conf import settings

HERE = Path(settings.BASE_DIR) / "tests_support" / "oidc"
ACCOUNTS = json.loads((HERE / "accounts.json").read_text())
PASSWORD = ACCOUNTS["password"]


@dataclass(frozen=True)
class TestProvider:
    issuer: str
    client_id: str
    client_secret: str

    def settings(self) -> dict:
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_ALLOWED_DOMAINS": ["example.org"],
            "OIDC_PROVIDER_NAME": "Test ID",
        }


def _need(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: the identity provider tests need {what}.")
    pytest.skip(f"the identity provider tests need {what}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _install() -> None:
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        _need("npm")
    # A fixed command in the project's own folder.
    subprocess.run(  # noqa: S603
        [str(npm), "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=600
    )


def start_provider():
    """Start the provider; yields a TestProvider and stops it afterwards."""
    node = shutil.which("node")
    if node is None:
        _need("node")
    _install()
    port = _free_port()
    # A file, not a pipe: a pipe nobody reads would stop the provider once full.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(  # noqa: S603
        [str(node), "provider.mjs"],
        cwd=HERE,
        env={**os.environ, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    raise RuntimeError(
                        f"the test identity provider did not start:\n{output}"
                    ) from None
                time.sleep(0.2)
        yield TestProvider(issuer, ACCOUNTS["client_id"], ACCOUNTS["client_secret"])
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def provider_sign_in(
    authorize_url: str, email: str, *, password: str = PASSWORD, browser=None
) -> str:
    """Sign in at the provider as a browser would, from the address the portal sent the browser
    to; returns the address the provider sends it back to (the portal's callback, with its code).
    Pass the same `browser` (a requests.Session) to keep the provider's own session."""
    browser = browser or requests.Session()
    provider = urlsplit(authorize_url).netloc
    url, form = authorize_url, None
    for _ in range(10):
        if form is None:
            response = browser.get(url, allow_redirects=False, timeout=10)
        else:
            response = browser.post(url, data=form, allow_redirects=False, timeout=10)
            form = None
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if urlsplit(url).netloc != provider:
                return url
            continue
        assert response.status_code == 200, response.text
        assert "Wrong email or password" not in response.text
        # The login page: its form posts to /interaction/<uid>/login.
        action = response.text.split('action="', 1)[1].split('"', 1)[0]
        url, form = urljoin(url, action), {"email": email, "password": password}
    raise AssertionError(f"the provider did not send the browser back: {url}")
