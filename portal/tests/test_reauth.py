"""The checks on a sign-in again at the identity provider (portal.reauth): the provider's word
that the person signed in afresh, after being sent, as the same person."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from portal.oidc.flow import PROVIDER_SUBJECT
from portal.reauth import PROOFS, ProofMethod, _fresh_sign_in_problem, reauth_proof


@pytest.fixture
def request_with_session(db):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session[PROVIDER_SUBJECT] = "sub-alice"
    return request


def _problem(request, *, auth_time, sub="sub-alice", started=None):
    flow = {"started": time.time() if started is None else started}
    return _fresh_sign_in_problem(request, flow, {"sub": sub, "auth_time": auth_time})


def test_a_sign_in_after_being_sent_is_accepted(request_with_session):
    assert _problem(request_with_session, auth_time=int(time.time())) == ""


def test_a_sign_in_from_before_being_sent_is_not(request_with_session):
    # The provider let them through on its old session, whatever prompt=login asked.
    assert "did not ask them to sign in again" in _problem(
        request_with_session, auth_time=int(time.time()) - 3600, started=time.time()
    )


def test_a_sign_in_too_long_ago_is_not(request_with_session, settings):
    settings.OIDC_REAUTH_MAX_AGE_SECONDS = 300
    long_ago = time.time() - 1000
    assert "too long ago" in _problem(
        request_with_session, auth_time=long_ago, started=long_ago - 1
    )


def test_another_subject_or_no_time_is_not(request_with_session):
    assert "someone else" in _problem(request_with_session, auth_time=time.time(), sub="sub-x")
    assert "did not say when" in _problem(request_with_session, auth_time=None)


def test_a_proof_lasts_only_as_long_as_the_limit(request_with_session, settings):
    settings.OIDC_REAUTH_MAX_AGE_SECONDS = 300
    request_with_session.session[PROOFS] = {
        "act": {"method": "identity_provider", "at": time.time() - 30}
    }
    proof = reauth_proof(request_with_session, purpose="act")
    assert proof is not None
    assert proof.method is ProofMethod.IDENTITY_PROVIDER
    assert reauth_proof(request_with_session, purpose="another act") is None
    request_with_session.session[PROOFS]["act"]["at"] = time.time() - 1000
    assert reauth_proof(request_with_session, purpose="act") is None
