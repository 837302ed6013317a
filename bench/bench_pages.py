"""Page speed at national scale: the declarations pages with 250,000 people in one campaign.

    python -m bench.bench_pages [--people 250000] [--signed 0.6] [--seconds 10]
                                [--connections 4] [--workers 2]

Seeds the people, an open campaign that asks them all and their signatures in bulk, then
serves the portal with gunicorn under production settings (DEBUG off, the compressed static
files, the real middleware) and drives each page with wrk, signed in as the person who would
open it. For each page it prints requests per second, the median and 95th percentile time,
the queries one request runs (counted in this process with Django's test client), and the
ratio of its 95th percentile to the floor's: a signed-in page that renders only the layout.
"""

import argparse
import base64
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench._common import ROOT, bench_setup, bulk_insert, timed
from bench._declarations import draft_campaign

PASSWORD = "bench-password-not-secret-1"
# Prints what the table needs once wrk is done; latencies are in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status,
    summary.errors.timeout))
end
"""
# Over this, a policy administrator's page misses the budget.
BUDGET_MS = 500


@dataclass
class Page:
    label: str
    path: str
    who: str  # "staff", "manager", "admin" (policy administrator) or "sysadmin"
    timeout_s: int = 5


@dataclass
class Result:
    page: Page
    rps: float
    p50_ms: float
    p95_ms: float
    queries: int
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(people: int, signed_share: float) -> dict:
    """People, a published policy, an open campaign asking everyone, and signatures, in bulk."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from declarations.models import Declaration, Obligation
    from declarations.services.campaigns import DEFAULT_STATEMENT, campaign_open
    from portal.models import Department, EmploymentType, User
    from portal.roles import Role
    from portal.testing.second_factor import authenticator_for

    departments = [
        Department.objects.create(code=f"P{i:02d}", name=f"Bench department {i}") for i in range(20)
    ]
    types = list(EmploymentType.values)
    with timed("create people", people, "people"):
        bulk_insert(
            User,
            people,
            lambda i: User(
                email=f"staff{i}@example.org",
                full_name=f"Staff Member {i}",
                staff_number=f"P{i:07d}",
                department=departments[i % len(departments)],
                employment_type=types[i % len(types)],
                password="!",
            ),
        )
    admin = User.objects.create(email="bench-admin@example.org", full_name="Bench Admin")
    admin.groups.add(Group.objects.get(name=Role.POLICY_ADMIN))
    manager = User.objects.create(email="bench-manager@example.org", full_name="Bench Manager")
    staff = User.objects.get(email="staff0@example.org")
    # The People pages are the system administrator's, who signs in with a second step.
    sysadmin = User.objects.create(email="bench-sysadmin@example.org", full_name="Bench Sysadmin")
    sysadmin.groups.add(Group.objects.get(name=Role.SYSADMIN))
    authenticator_for(sysadmin)
    # The manager has a team of 25, like a sergeant's or a department head's.
    User.objects.filter(email__in=[f"staff{i}@example.org" for i in range(25)]).update(
        line_manager=manager
    )
    for person in (admin, manager, staff, sysadmin):
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])

    now = timezone.now()
    policy, version, campaign = draft_campaign(
        admin, opens_at=now - timedelta(days=7), due_at=now + timedelta(days=21)
    )
    campaign = campaign_open(campaign=campaign, by=admin)

    ids = list(
        User.objects.exclude(pk__in=[admin.pk, manager.pk, sysadmin.pk])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # The first share have signed, all but staff0 (who signs in to open the signing page).
    signed_ids = set(ids[: int(len(ids) * signed_share)]) - {staff.pk}
    signed_list = sorted(signed_ids)
    signed_at = {
        pk: now - timedelta(days=i % 7, minutes=i % 1440) for i, pk in enumerate(signed_list)
    }
    with timed("ask everyone (obligations)", len(ids), "people"):
        bulk_insert(
            Obligation,
            len(ids),
            lambda i: Obligation(
                campaign=campaign,
                user_id=ids[i],
                due_at=campaign.due_at,
                status=(
                    Obligation.Status.SIGNED if ids[i] in signed_ids else Obligation.Status.PENDING
                ),
                signed_at=signed_at.get(ids[i]),
                next_reminder_at=now + timedelta(days=7),
            ),
        )
    obligations = dict(
        Obligation.objects.filter(campaign=campaign, status=Obligation.Status.SIGNED).values_list(
            "user_id", "pk"
        )
    )
    snapshot = [
        {
            "id": version.pk,
            "policy": policy.title,
            "label": version.label,
            "sha256": version.content_sha256,
        }
    ]
    with timed("sign for 60% (declarations)", len(signed_list), "signatures"):
        bulk_insert(
            Declaration,
            len(signed_list),
            lambda i: Declaration(
                campaign=campaign,
                user_id=signed_list[i],
                obligation_id=obligations[signed_list[i]],
                versions_signed=snapshot,
                statement=DEFAULT_STATEMENT,
                typed_name=f"Staff Member {signed_list[i]}",
                signed_at=signed_at[signed_list[i]],
                user_agent="bench",
            ),
        )
    staff_obligation = Obligation.objects.get(campaign=campaign, user=staff)
    return {
        "emails": {
            "admin": admin.email,
            "manager": manager.email,
            "staff": staff.email,
            "sysadmin": sysadmin.email,
        },
        "campaign": campaign.pk,
        "version": version.pk,
        "policy": policy.slug,
        "obligation": staff_obligation.pk,
        "department": departments[3].pk,
    }


def pages(scene: dict) -> list[Page]:
    c = scene["campaign"]
    return [
        Page("floor (layout only)", "/bench/floor/", "staff"),
        Page("dashboard", "/", "staff"),
        Page("my declarations", "/declarations/", "staff"),
        Page("signing page", f"/declarations/sign/{scene['obligation']}/", "staff"),
        Page("policies", "/declarations/policies/", "staff"),
        Page("policy version", f"/declarations/versions/{scene['version']}/", "staff"),
        Page("my team", "/declarations/team/", "manager"),
        Page("campaign list", "/declarations/manage/campaigns/", "admin"),
        Page("campaign", f"/declarations/manage/campaigns/{c}/", "admin"),
        Page("campaign people", f"/declarations/manage/campaigns/{c}/people/", "admin"),
        Page("report list", "/declarations/reports/", "admin"),
        Page("campaign report", f"/declarations/reports/{c}/", "admin"),
        Page("campaign report (PDF)", f"/declarations/reports/{c}/report.pdf", "admin"),
        Page("outstanding", f"/declarations/reports/{c}/outstanding/", "admin"),
        Page(
            "outstanding, one department",
            f"/declarations/reports/{c}/outstanding/?department={scene['department']}",
            "admin",
        ),
        Page("people list", "/people/", "sysadmin"),
        Page("CSV of everyone (export)", f"/declarations/reports/{c}/export.csv", "admin", 60),
    ]


def count_queries(all_pages: list[Page], scene: dict) -> dict[str, int]:
    """Queries one request runs, counted here with the test client (after one to warm up)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from portal.models import User
    from portal.testing.second_factor import session_verified

    counts = {}
    with override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], ROOT_URLCONF="bench.pages_urls"
    ):
        clients = {}
        for who, email in scene["emails"].items():
            clients[who] = Client()
            person = User.objects.get(email=email)
            clients[who].force_login(person)
            if person.needs_second_factor:
                session_verified(clients[who], person)
        for page in all_pages:
            client = clients[page.who]
            client.get(page.path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.path)
                if response.streaming:
                    for _ in response.streaming_content:
                        pass
            assert response.status_code == 200, (page.path, response.status_code)
            counts[page.path] = len(captured.captured_queries)
    return counts


def _production_env(port: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "PORTAL_AUDIT_HEAD_FILE")
    }
    env.update(
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="bench.pages_settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        PORTAL_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PORTAL_AUDIT_KEYS="k1:" + base64.b64encode(os.urandom(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{port}",
        CELERY_BROKER_URL="memory://localhost/",
        PYTHONPATH=str(ROOT),
    )
    return env


@contextmanager
def gunicorn(workers: int) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = _production_env(port)
    static = Path(tempfile.mkdtemp(prefix="bench-static-"))
    env["STATIC_ROOT"] = str(static)
    python = str(Path(sys.executable))
    with timed("collect static files (production storage)"):
        subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [python, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "bench-pages-gunicorn.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn and arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.pages_wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--max-requests",
            "0",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: see var/bench-pages-gunicorn.log"
                    ) from None
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(static, ignore_errors=True)


def _headers(host: str, port: int, cookies: dict[str, str]) -> dict[str, str]:
    # The proxy in front of the portal says the request came over HTTPS.
    return {
        "X-Forwarded-Proto": "https",
        "Host": f"{host}:{port}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
    }


def _request(host, port, method, path, cookies, body=None, extra=None):
    connection = http.client.HTTPConnection(host, port, timeout=60)
    headers = {**_headers(host, port, cookies), **(extra or {})}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    connection.close()
    return response.status, data


def sign_in(host: str, port: int, email: str) -> dict[str, str]:
    """Sign in through the real sign-in page (and the second step, for a role that needs it),
    as a browser would; returns the cookies."""
    from portal.models import User
    from portal.testing.second_factor import authenticator_for, totp_code

    cookies: dict[str, str] = {}
    from django.urls import reverse

    login = reverse("login")
    status, page = _request(host, port, "GET", login, cookies)
    assert status == 200, status
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    origin = f"https://{host}:{port}"
    status, _ = _request(
        host,
        port,
        "POST",
        login,
        cookies,
        body=urlencode({"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}),
        extra={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": f"{origin}{login}",
        },
    )
    assert status == 302, (email, status)
    assert "sessionid" in cookies, email
    person = User.objects.get(email=email)
    if person.needs_second_factor:
        code_page = reverse("second_factor_verify")
        status, page = _request(host, port, "GET", code_page, cookies)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        code = totp_code(authenticator_for(person))
        status, _ = _request(
            host,
            port,
            "POST",
            code_page,
            cookies,
            body=urlencode({"csrfmiddlewaretoken": token, "code": code}),
            extra={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}{code_page}",
            },
        )
        assert status == 302, ("second step", status)
    return cookies


def drive(host, port, page: Page, cookies, args, script: Path) -> tuple[float, float, float, int]:
    status, _ = _request(host, port, "GET", page.path, dict(cookies))
    assert status == 200, f"{page.path} answered {status}, not 200"
    command = [
        "wrk",
        "-t",
        str(min(2, args.connections)),
        "-c",
        str(args.connections),
        "-d",
        f"{args.seconds}s",
        "--timeout",
        f"{page.timeout_s}s",
        "-s",
        str(script),
    ]
    for name, value in _headers(host, port, cookies).items():
        if name != "Host":
            command += ["-H", f"{name}: {value}"]
    command.append(f"http://{host}:{port}{page.path}")
    output = subprocess.run(  # noqa: S603 (wrk, with arguments made here)
        command, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50_us, p95_us, bad, timeouts = map(int, line.split()[1:])
    rps = requests / (duration_us / 1e6) if duration_us else 0.0
    return rps, p50_us / 1000, p95_us / 1000, bad + timeouts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--signed", type=float, default=0.6, help="share who have signed")
    parser.add_argument("--seconds", type=int, default=10, help="how long wrk drives each page")
    parser.add_argument("--connections", type=int, default=4, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench_pages needs wrk (scripts/ensure-services.sh wrk installs it).")

    bench_setup("pages")
    from django.db import connection

    print(
        f"bench_pages: {args.people:,} people, {args.signed:.0%} signed; gunicorn with "
        f"{args.workers} workers, wrk with {args.connections} connections for {args.seconds} s"
    )
    scene = seed(args.people, args.signed)
    if connection.vendor == "postgresql":
        # Fresh statistics, as a database that has lived with its rows would have.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    all_pages = pages(scene)
    with timed("count each page's queries"):
        queries = count_queries(all_pages, scene)
    connection.close()  # gunicorn's workers have the database to themselves from here

    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_SCRIPT)
    results = []
    with gunicorn(args.workers) as (host, port):
        cookies = {who: sign_in(host, port, email) for who, email in scene["emails"].items()}
        for page in all_pages:
            rps, p50, p95, errors = drive(host, port, page, cookies[page.who], args, script)
            results.append(Result(page, rps, p50, p95, queries[page.path], errors))
            print(f"  {page.label}: {p95:,.0f} ms p95", flush=True)
    script.unlink()

    floor = results[0].p95_ms or 1.0
    columns = ("req/s", "p50 ms", "p95 ms", "queries", "x floor")
    print(f"\n{'page':<32}{'who':>8}" + "".join(f"{c:>9}" for c in columns))
    over = []
    for r in results:
        print(
            f"{r.page.label:<32}{r.page.who:>8}{r.rps:>9.1f}{r.p50_ms:>9.0f}{r.p95_ms:>9.0f}"
            f"{r.queries:>9}{r.p95_ms / floor:>9.1f}" + (f"  {r.errors} errors" if r.errors else "")
        )
        if r.page.who == "admin" and r.page.timeout_s <= 5 and r.p95_ms > BUDGET_MS:
            over.append(r.page.label)
    if over:
        print(
            f"\nOver the {BUDGET_MS} ms budget (p95) for policy administrators: {', '.join(over)}"
        )
    else:
        print(f"\nEvery policy administrator's page is within {BUDGET_MS} ms (p95).")
    if any(r.errors for r in results):
        sys.exit("Some requests failed or timed out: see the table.")


if __name__ == "__main__":
    main()
