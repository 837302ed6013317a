"""The comprehension check: questions set on a draft campaign through forms with clear errors;
a person must pass before signing; failed attempts say how many were right, never which; when
the attempts run out a policy administrator allows more, with a reason; the declaration keeps
the check as it was passed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from declarations.events import DeclarationEvent
from declarations.models import Campaign, CheckAttempt, CheckQuestion, Declaration
from declarations.services.campaigns import campaign_open
from declarations.services.checks import check_question_add
from declarations.services.signing import SignatureRefused, declaration_sign
from declarations.tests.factories import (
    CampaignFactory,
    CheckQuestionFactory,
    ObligationFactory,
    PolicyVersionFactory,
    every_version,
    ticks,
)
from portal.models import AuditEvent, Notification
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return PolicyVersionFactory(published=True, policy__title="IT and social media", label="4.0")


@pytest.fixture
def campaign(version):
    campaign = CampaignFactory(open=True, versions=[version], check_attempts=2)
    CheckQuestionFactory(
        campaign=campaign,
        text="Who do you tell about a lost phone?",
        choices=["The IT helpdesk", "Nobody"],
        correct=0,
    )
    CheckQuestionFactory(
        campaign=campaign,
        text="May you post operational information in a chat group?",
        choices=["Yes", "Never", "Only on Fridays"],
        correct=1,
    )
    return campaign


@pytest.fixture
def obligation(alice, campaign):
    return ObligationFactory(user=alice, campaign=campaign)


def _answers(campaign, *picks):
    questions = campaign.questions.order_by("pk")
    return {f"q_{q.pk}": str(pick) for q, pick in zip(questions, picks, strict=True)}


def _check_url(obligation):
    return reverse("declarations:check", args=[obligation.pk])


# The administrator's side


def test_an_administrator_adds_a_question_and_it_is_on_the_record(client, policy_admin, version):
    draft = CampaignFactory(versions=[version])
    client.force_login(policy_admin)
    answer = client.post(
        reverse("declarations:check_question_add", args=[draft.pk]),
        {
            "text": "Where do business records go?",
            "choice_0": "A corporate system",
            "choice_1": "The chat group",
            "choice_2": "",
            "choice_3": "Your own phone",
            "correct": "3",
        },
    )
    assert answer.status_code == 302
    question = CheckQuestion.objects.get(campaign=draft)
    # The empty answer is dropped and the right one's place follows.
    assert question.choices == ["A corporate system", "The chat group", "Your own phone"]
    assert question.correct == 2
    event = AuditEvent.objects.get(verb=DeclarationEvent.CAMPAIGN_CHECK_QUESTION_ADDED)
    assert event.changes["correct"] == "Your own phone"
    page = client.get(reverse("declarations:campaign_check", args=[draft.pk])).text
    assert "Where do business records go?" in page
    assert "(right answer)" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"choice_0": "A", "choice_1": "B", "correct": "0"}, "Enter the question."),
        (
            {"text": "Q?", "choice_0": "A", "correct": "0"},
            "Enter answer 2: at least two are needed.",
        ),
        ({"text": "Q?", "choice_0": "A", "choice_1": "B"}, "Choose which answer is right."),
        (
            {"text": "Q?", "choice_0": "A", "choice_1": "B", "correct": "4"},
            "Answer 5 is empty: choose a filled-in answer.",
        ),
        (
            {"text": "Q?", "choice_0": "A", "choice_1": "A", "correct": "0"},
            "Two of the answers are the same.",
        ),
    ],
)
def test_the_question_form_says_what_to_fix_and_keeps_what_was_typed(
    client, policy_admin, version, fields, message
):
    draft = CampaignFactory(versions=[version])
    client.force_login(policy_admin)
    answer = client.post(reverse("declarations:check_question_add", args=[draft.pk]), fields)
    assert answer.status_code == 400
    assert message in answer.text
    assert "There is a problem" in answer.text
    if "text" in fields:
        assert "Q?</textarea>" in answer.text
    assert not CheckQuestion.objects.exists()


def test_the_pass_mark_and_attempts_are_set_on_the_record_and_checked_at_opening(
    client, policy_admin, version
):
    draft = CampaignFactory(versions=[version])
    CheckQuestionFactory(campaign=draft)
    client.force_login(policy_admin)
    url = reverse("declarations:check_settings", args=[draft.pk])
    refused = client.post(url, {"pass_mark": "0", "is_percent": "0", "attempts": "99"})
    assert refused.status_code == 400
    assert "Enter a pass mark of at least 1." in refused.text
    assert "Allow at most 10 attempts." in refused.text
    assert (
        client.post(url, {"pass_mark": "3", "is_percent": "0", "attempts": "4"}).status_code == 302
    )
    draft.refresh_from_db()
    assert (draft.check_pass_mark, draft.check_pass_mark_is_percent, draft.check_attempts) == (
        3,
        False,
        4,
    )
    assert AuditEvent.objects.filter(verb=DeclarationEvent.CAMPAIGN_CHECK_SETTINGS_CHANGED).exists()
    page = client.get(reverse("declarations:campaign_check", args=[draft.pk])).text
    assert "The pass mark is 3 right answers but the check has only 1 question." in page
    with pytest.raises(ValidationError, match="only 1 question"):
        campaign_open(campaign=draft, by=policy_admin)


def test_questions_cannot_change_once_the_campaign_is_open(client, policy_admin, campaign):
    client.force_login(policy_admin)
    question = campaign.questions.first()
    client.post(reverse("declarations:check_question_remove", args=[question.pk]))
    assert CheckQuestion.objects.filter(pk=question.pk).exists()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        check_question_add(
            campaign=campaign, by=policy_admin, text="Q", choices=["a", "b"], correct=0
        )
    page = client.get(reverse("declarations:campaign_check", args=[campaign.pk])).text
    assert "Add a question" not in page


def test_the_question_list_runs_a_fixed_number_of_queries(
    client, policy_admin, version, django_assert_num_queries
):
    draft = CampaignFactory(versions=[version])
    for _ in range(25):
        CheckQuestionFactory(campaign=draft)
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_check", args=[draft.pk])
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        page = client.get(url)
    assert page.text.count("(right answer)") == 25


# The person's side


def test_the_questions_page_runs_a_fixed_number_of_queries(
    client, alice, version, django_assert_num_queries
):
    campaign = CampaignFactory(open=True, versions=[version])
    for n in range(25):
        CheckQuestionFactory(campaign=campaign, text=f"Question number {n}?")
    obligation = ObligationFactory(user=alice, campaign=campaign)
    client.force_login(alice)
    client.get(_check_url(obligation))
    # The obligation with its campaign, how many questions, the attempts so far, the questions.
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        page = client.get(_check_url(obligation))
    assert page.text.count("Question number") == 25


def test_the_signing_page_asks_for_the_questions_before_the_signature(
    client, alice, obligation, version
):
    client.force_login(alice)
    page = client.get(reverse("declarations:sign", args=[obligation.pk])).text
    assert "Answer the questions" in page
    assert "You need 80% of the answers right to pass, and have 2 attempts left." in page
    assert 'id="sign-form"' not in page
    with pytest.raises(SignatureRefused, match="pass them before you sign"):
        declaration_sign(
            obligation=obligation,
            by=alice,
            typed_name=alice.full_name,
            read=every_version(obligation),
            password=TEST_PASSWORD,
        )
    assert not Declaration.objects.exists()


def test_a_failed_attempt_says_how_many_were_right_but_not_which(
    client, alice, obligation, campaign
):
    client.force_login(alice)
    answer = client.post(_check_url(obligation), _answers(campaign, 0, 0))
    assert answer.status_code == 302
    page = client.get(_check_url(obligation)).text
    assert "In attempt 1 you got 1 of 2 answers right; 2 are needed to pass." in page
    assert "You have 1 attempt left." in page
    assert "right answer" not in page
    assert "is-valid" not in page  # nothing marks an answer as the right one
    attempt = CheckAttempt.objects.get()
    assert (attempt.number, attempt.score, attempt.out_of, attempt.passed) == (1, 1, 2, False)
    assert [q["answer"] for q in attempt.asked] == [0, 0]
    event = AuditEvent.objects.get(verb=DeclarationEvent.CHECK_ATTEMPTED)
    assert event.changes["passed"] is False


def test_an_unanswered_question_is_asked_for_by_number(client, alice, obligation, campaign):
    client.force_login(alice)
    first = campaign.questions.order_by("pk").first()
    answer = client.post(_check_url(obligation), {f"q_{first.pk}": "0"})
    assert answer.status_code == 400
    assert "Choose an answer to question 2." in answer.text
    assert not CheckAttempt.objects.exists()


def test_when_the_attempts_run_out_the_administrator_allows_more_with_a_reason(
    client, alice, policy_admin, obligation, campaign
):
    client.force_login(alice)
    for _ in range(2):
        client.post(_check_url(obligation), _answers(campaign, 1, 0))
    page = client.get(_check_url(obligation)).text
    assert "Contact the policy administrator" in page
    assert "Send my answers" not in page
    client.post(_check_url(obligation), _answers(campaign, 0, 1))
    assert CheckAttempt.objects.count() == 2
    sign_page = client.get(reverse("declarations:sign", args=[obligation.pk])).text
    assert "You have used all 2 attempts" in sign_page

    client.force_login(policy_admin)
    allow = reverse("declarations:check_allow", args=[obligation.pk])
    refused = client.post(allow, {"extra": "1", "reason": ""})
    assert "Enter why this person may have more attempts." in refused.text
    assert (
        client.post(allow, {"extra": "1", "reason": "Went through it together"}).status_code == 302
    )
    event = AuditEvent.objects.get(verb=DeclarationEvent.CHECK_ATTEMPTS_ALLOWED)
    assert event.changes["reason"] == "Went through it together"
    assert event.changes["attempts_allowed"] == 3
    person_page = client.get(reverse("declarations:obligation", args=[obligation.pk])).text
    assert "2 of 3 attempts used" in person_page

    client.force_login(alice)
    client.post(_check_url(obligation), _answers(campaign, 0, 1))
    assert CheckAttempt.objects.get(number=3).passed


def test_passing_then_signing_keeps_the_check_with_the_declaration(
    client, alice, obligation, campaign, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(_check_url(obligation), _answers(campaign, 1, 1))
    passed = client.post(_check_url(obligation), _answers(campaign, 0, 1), follow=True)
    assert "You passed: 2 of 2 answers right." in passed.text
    assert 'id="sign-form"' in passed.text
    # Passed: the questions page sends them back to sign.
    assert client.get(_check_url(obligation)).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("declarations:sign", args=[obligation.pk]),
            {"typed_name": "Alice Staff", "password": TEST_PASSWORD, **ticks(obligation)},
        )
    declaration = Declaration.objects.get()
    result = declaration.check_result
    assert (result["attempt"], result["attempts_allowed"], result["score"]) == (2, 2, 2)
    assert (result["out_of"], result["pass_mark"]) == (2, 2)
    assert result["questions"][1]["text"] == "May you post operational information in a chat group?"
    assert result["questions"][1]["answer"] == 1
    record = client.get(reverse("declarations:record", args=[declaration.pk])).text
    assert "at attempt 2 of 2 allowed: 2 of 2 answers right (2 needed to pass)" in record
    assert "Answer given: “Never” (right)" in record
    receipt = Notification.objects.get(dedup_key=f"decl-receipt:{declaration.pk}")
    assert "Questions about the policies: passed at attempt 2, 2 of 2 answers right" in (
        receipt.body_text
    )


@pytest.mark.parametrize("status", ["exempt", "paused"])
def test_an_exempt_or_paused_person_may_answer_the_questions_and_sign(
    client, alice, campaign, status
):
    # Signing is open to them if they wish (it ends the exemption or pause), so the questions
    # that come before it must be too.
    obligation = ObligationFactory(
        user=alice,
        campaign=campaign,
        exempt=status == "exempt",
        status=status,
        paused_reason="Long-term absence" if status == "paused" else "",
    )
    client.force_login(alice)
    assert "can no longer be signed" not in client.get(_check_url(obligation)).text
    client.post(_check_url(obligation), _answers(campaign, 0, 1))
    assert CheckAttempt.objects.get(obligation=obligation).passed
    client.post(
        reverse("declarations:sign", args=[obligation.pk]),
        {"typed_name": "Alice Staff", "password": TEST_PASSWORD, **ticks(obligation)},
    )
    assert Declaration.objects.filter(obligation=obligation).exists()


def test_someone_elses_questions_are_a_404(client, bob, obligation, campaign):
    client.force_login(bob)
    assert client.get(_check_url(obligation)).status_code == 404
    assert client.post(_check_url(obligation), _answers(campaign, 0, 1)).status_code == 404
    assert not CheckAttempt.objects.exists()


def test_a_closed_campaign_takes_no_answers(client, alice, obligation, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    client.force_login(alice)
    page = client.post(_check_url(obligation), _answers(campaign, 0, 1))
    assert "can no longer be signed" in page.text
    assert not CheckAttempt.objects.exists()
