"""A file over PORTAL_MAX_UPLOAD_BYTES is dropped as it arrives and its name noted, while the
rest of the form reaches the view; the view keeps its CSRF check, run after the handler is in
place, though the middleware leaves it alone."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import include, path

from portal.lib.upload_limits import each_file_capped, files_too_large

LIMIT = 2000

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@each_file_capped
def form_view(request: HttpRequest) -> HttpResponse:
    """A form's page: its token, or what the view was sent (the fields, the files kept and the
    names of the files dropped)."""
    if request.method == "GET":
        return HttpResponse(get_token(request))
    kept = sorted(f"{f.name}:{f.size}" for f in request.FILES.getlist("files"))
    return HttpResponse(
        f"text={request.POST.get('text')}|kept={','.join(kept)}|"
        f"too_large={','.join(files_too_large(request))}"
    )


# With the portal's own addresses, which its pages (the 403 page too) link to.
urlpatterns = [path("form/", form_view), path("", include(settings.ROOT_URLCONF))]


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = LIMIT


def _post(data: dict, *, with_token: bool = True):
    # A real client with CSRF enforced, through every middleware, as a browser sends a form.
    client = Client(enforce_csrf_checks=True)
    token = client.get("/form/").text
    if with_token:
        data = {**data, "csrfmiddlewaretoken": token}
    return client.post("/form/", data)


def _file(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size)


def test_a_file_over_the_limit_is_dropped_and_named_and_the_rest_arrives():
    response = _post(
        {
            "text": "what happened",
            "files": [_file("small.pdf", 10), _file("huge photo.jpg", LIMIT + 1)],
        }
    )
    assert response.status_code == 200
    assert response.text == "text=what happened|kept=small.pdf:10|too_large=huge photo.jpg"


def test_a_file_of_exactly_the_limit_is_kept():
    response = _post({"files": [_file("edge.pdf", LIMIT)]})
    assert response.text == f"text=None|kept=edge.pdf:{LIMIT}|too_large="


def test_every_file_over_the_limit_is_named_in_the_order_sent():
    response = _post(
        {"files": [_file("b.png", LIMIT * 3), _file("ok.pdf", 1), _file("a.png", LIMIT + 1)]}
    )
    assert response.text == "text=None|kept=ok.pdf:1|too_large=b.png,a.png"


def test_a_form_without_its_token_is_refused():
    # The middleware is told to leave the view alone (it would read the body before the
    # handler is in place), so the decorator must make the same check.
    assert getattr(form_view, "csrf_exempt", False) is True
    response = _post({"text": "x", "files": [_file("a.pdf", 1)]}, with_token=False)
    assert response.status_code == 403


def test_a_request_that_never_passed_the_decorator_has_no_names():
    assert files_too_large(RequestFactory().post("/form/", {"text": "x"})) == []


def test_the_names_are_a_copy_the_caller_may_change():
    request = RequestFactory().post("/form/", {"files": [_file("big.pdf", LIMIT + 1)]})
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    seen = []

    @each_file_capped
    def view(request):
        request.FILES  # noqa: B018 (reads the body, as a form would)
        files_too_large(request).append("mine")
        seen.append(files_too_large(request))
        return HttpResponse()

    view(request)
    assert seen == [["big.pdf"]]
