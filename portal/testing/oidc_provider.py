"""A real OpenID Connect provider for the tests: node's oidc-provider (tests_support/oidc/),
started on 127.0.0.1, on a free port, once per test session.

Its packages are installed from the committed package-lock.json (`npm ci`) the first time; under
CI=true a machine without node fails the run instead of leaving the tests out.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.conf import settings
from django.urls import reverse

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
        # Node loads the provider's modules from disk on its first start; on a fresh clone,
        # with the files just installed and the machine busy, that once took over 30 s.
        deadline = time.monotonic() + 90
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
    authorize_url: str,
    email: str,
    *,
    password: str = PASSWORD,
    browser=None,
    expect_login: bool = False,
) -> str:
    """Sign in at the provider as a browser would, from the address the portal sent the browser
    to; returns the address the provider sends it back to (the portal's callback, with its code).
    Pass the same `browser` (a requests.Session) to keep the provider's own session;
    `expect_login` fails unless the provider asked for the password again."""
    browser = browser or requests.Session()
    provider = urlsplit(authorize_url).netloc
    url, form, asked = authorize_url, None, False
    for _ in range(10):
        if form is None:
            response = browser.get(url, allow_redirects=False, timeout=10)
        else:
            response = browser.post(url, data=form, allow_redirects=False, timeout=10)
            form = None
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if urlsplit(url).netloc != provider:
                assert asked or not expect_login, "the provider did not ask for a sign-in"
                return url
            continue
        assert response.status_code == 200, response.text
        assert "Wrong email or password" not in response.text
        action = re.search(r'action="([^"]*)"', response.text)
        assert action, response.text
        url = urljoin(url, unescape(action.group(1)))
        if 'name="email"' in response.text:
            form, asked = {"email": email, "password": password}, True
        else:
            # A page that posts itself (signing out the provider's last person first): what a
            # browser's script would send.
            form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', response.text))
    raise AssertionError(f"the provider did not send the browser back: {url}")


def client_sign_in(client, email: str, *, next_url: str = "", browser=None):
    """Sign a Django test client in through the provider; returns the portal's last answer."""
    start = reverse("oidc_start") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302, response.content
    return client.get(provider_sign_in(response["Location"], email, browser=browser))
