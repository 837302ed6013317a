"""Every form of the declarations pages, given generated hostile input through its real page:
the answer is a saved change or the form again with its errors, never a server error."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from declarations.forms import (
    AllowAttemptsForm,
    ApproveForm,
    CampaignCloseForm,
    CampaignForm,
    CampaignReopenForm,
    CampaignRepeatStopForm,
    CheckAnswersForm,
    CheckQuestionForm,
    CheckSettingsForm,
    ExemptForm,
    ExemptionEndForm,
    ExtendForm,
    ExtraStatementForm,
    OutstandingFilterForm,
    PauseForm,
    PeopleFilterForm,
    PolicyForm,
    PolicyReviewForm,
    PolicyVersionForm,
    PublishForm,
    RemindChoiceForm,
    RemindSendForm,
    ReturnForm,
    SignForm,
    SummaryRecipientsForm,
)
from declarations.markdown import render_markdown
from declarations.models import Obligation, PolicyVersion
from declarations.tests.factories import (
    CampaignFactory,
    CheckQuestionFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
    ticks,
)
from portal.roles import Role
from portal.testing.form_fuzz import FUZZ, assert_calm, form_data, fuzzes, hostile_text, submit
from portal.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(policy_admin):
    return PolicyFactory(owner=policy_admin)


@pytest.fixture
def draft(policy, policy_admin):
    return PolicyVersionFactory(policy=policy, owner=policy_admin)


@pytest.fixture
def published(policy, policy_admin):
    return PolicyVersionFactory(policy=policy, owner=policy_admin, published=True)


@pytest.fixture
def obligation(alice, published):
    return ObligationFactory(user=alice, campaign=CampaignFactory(open=True, versions=[published]))


@pytest.fixture
def questions(obligation):
    return [CheckQuestionFactory(campaign=obligation.campaign) for _ in range(2)]


@fuzzes(PolicyForm)
@pytest.mark.parametrize("page", ["new", "edit"])
@given(data=st.data())
@FUZZ
def test_the_policy_form_takes_any_input(client, policy_admin, policy, page, data):
    client.force_login(policy_admin)
    if page == "new":
        url, form = reverse("declarations:policy_create"), PolicyForm()
    else:
        url, form = (
            reverse("declarations:policy_edit", args=[policy.slug]),
            PolicyForm(instance=policy),
        )
    assert_calm(submit(client, "post", url, data.draw(form_data(form))))


@fuzzes(PolicyVersionForm)
@pytest.mark.parametrize("page", ["new", "edit"])
@given(data=st.data())
@FUZZ
def test_the_policy_version_form_takes_any_input(
    client, policy_admin, policy, draft, published, page, data
):
    client.force_login(policy_admin)
    if page == "new":
        url = reverse("declarations:version_create", args=[policy.slug])
    else:
        url = reverse("declarations:version_edit", args=[draft.pk])
    fields = data.draw(form_data(PolicyVersionForm(instance=draft)))
    # Followed to the draft's page, which renders the text that was saved.
    assert_calm(submit(client, "post", url, fields, follow=True))


@given(start=hostile_text)
@FUZZ
def test_the_new_version_page_takes_any_version_to_start_from(client, policy_admin, policy, start):
    client.force_login(policy_admin)
    url = reverse("declarations:version_create", args=[policy.slug])
    assert submit(client, "get", url, {"from": start}).status_code in (200, 404)


@fuzzes(PublishForm)
@given(data=st.data())
@FUZZ
def test_publishing_takes_any_date(client, policy_admin, draft, data):
    type(draft).objects.filter(pk=draft.pk).update(material_change=True)
    draft.refresh_from_db()
    client.force_login(policy_admin)
    fields = data.draw(form_data(PublishForm(version=draft)))
    url = reverse("declarations:version_publish", args=[draft.pk])
    assert_calm(submit(client, "post", url, fields))


@fuzzes(ApproveForm, ReturnForm)
@pytest.mark.parametrize("page", ["approve", "return"])
@given(data=st.data())
@FUZZ
def test_deciding_on_a_version_takes_any_note_or_reason(client, policy_admin, page, data):
    client.force_login(policy_admin)
    author = UserFactory(roles=[Role.POLICY_ADMIN])
    version = PolicyVersionFactory(
        policy=PolicyFactory(versions_need_approval=True),
        created_by=author,
        approval=PolicyVersion.Approval.AWAITING,
        approval_requested_by=author,
        approval_requested_at=timezone.now(),
    )
    form = ApproveForm() if page == "approve" else ReturnForm()
    url = reverse(f"declarations:version_{page}", args=[version.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(form))))


@fuzzes(PolicyReviewForm)
@given(data=st.data())
@FUZZ
def test_recording_a_review_takes_any_input(client, policy_admin, policy, data):
    client.force_login(policy_admin)
    url = reverse("declarations:policy_review", args=[policy.slug])
    assert_calm(submit(client, "post", url, data.draw(form_data(PolicyReviewForm()))))


@fuzzes(CampaignForm)
@pytest.mark.parametrize("page", ["new", "edit"])
@given(data=st.data())
@FUZZ
def test_the_campaign_form_takes_any_input(client, policy_admin, published, department, page, data):
    client.force_login(policy_admin)
    campaign = CampaignFactory(versions=[published])
    if page == "new":
        url = reverse("declarations:campaign_create")
    else:
        url = reverse("declarations:campaign_edit", args=[campaign.pk])
    fields = data.draw(form_data(CampaignForm(instance=campaign)))
    assert_calm(submit(client, "post", url, fields))


@fuzzes(CampaignCloseForm, CampaignReopenForm)
@pytest.mark.parametrize("page", ["close", "reopen"])
@given(data=st.data())
@FUZZ
def test_closing_and_reopening_a_campaign_take_any_reason(
    client, policy_admin, published, page, data
):
    client.force_login(policy_admin)
    status = "open" if page == "close" else "closed"
    campaign = CampaignFactory(open=True, status=status, versions=[published])
    form = CampaignCloseForm() if page == "close" else CampaignReopenForm()
    url = reverse(f"declarations:campaign_{page}", args=[campaign.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(form))))


@fuzzes(CampaignRepeatStopForm)
@pytest.mark.parametrize("which", ["original", "prepared"])
@given(data=st.data())
@FUZZ
def test_stopping_a_repeat_takes_any_reason(client, policy_admin, published, which, data):
    client.force_login(policy_admin)
    original = CampaignFactory(open=True, repeats_yearly=True, versions=[published])
    prepared = CampaignFactory(
        repeats_yearly=True, repeat_of=original, opens_automatically=True, versions=[published]
    )
    campaign = original if which == "original" else prepared
    url = reverse("declarations:campaign_repeat_stop", args=[campaign.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(CampaignRepeatStopForm()))))


@fuzzes(ExtraStatementForm)
@given(data=st.data())
@FUZZ
def test_adding_an_extra_statement_takes_any_input(client, policy_admin, department, data):
    client.force_login(policy_admin)
    campaign = CampaignFactory()
    fields = data.draw(form_data(ExtraStatementForm()))
    url = reverse("declarations:statement_add", args=[campaign.pk])
    assert_calm(submit(client, "post", url, fields))


@fuzzes(PauseForm, ExtendForm)
@pytest.mark.parametrize("page", ["pause", "extend"])
@given(data=st.data())
@FUZZ
def test_pausing_and_extending_an_obligation_take_any_input(
    client, policy_admin, obligation, page, data
):
    client.force_login(policy_admin)
    form = PauseForm() if page == "pause" else ExtendForm(obligation=obligation)
    url = reverse(f"declarations:obligation_{page}", args=[obligation.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(form))))


@fuzzes(ExemptForm, ExemptionEndForm)
@pytest.mark.parametrize("page", ["exempt", "exemption_end"])
@given(data=st.data())
@FUZZ
def test_exempting_and_ending_an_exemption_take_any_input(
    client, policy_admin, obligation, page, data
):
    client.force_login(policy_admin)
    if page == "exemption_end":
        # Exempt, so that a valid reason reaches the change itself.
        Obligation.objects.filter(pk=obligation.pk).update(
            status=Obligation.Status.EXEMPT,
            exempted_at=timezone.now(),
            exempt_reason="Seconded",
            exempt_until=timezone.now() + timedelta(days=9),
        )
    form = ExemptForm() if page == "exempt" else ExemptionEndForm()
    url = reverse(f"declarations:obligation_{page}", args=[obligation.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(form))))


@fuzzes(PeopleFilterForm, OutstandingFilterForm)
@pytest.mark.parametrize("page", ["campaign_people", "report_outstanding"])
@given(data=st.data())
@FUZZ
def test_the_filters_of_the_lists_of_people_take_any_input(
    client, policy_admin, obligation, department, page, data
):
    client.force_login(policy_admin)
    form = PeopleFilterForm() if page == "campaign_people" else OutstandingFilterForm()
    query = data.draw(form_data(form))
    query["cursor"] = data.draw(st.one_of(st.just("2"), hostile_text))
    url = reverse(f"declarations:{page}", args=[obligation.campaign_id])
    assert_calm(submit(client, "get", url, query))


@fuzzes(RemindChoiceForm, RemindSendForm)
@pytest.mark.parametrize("page", ["remind_confirm", "remind_send"])
@given(data=st.data())
@FUZZ
def test_reminding_from_the_outstanding_list_takes_any_choice(
    client, policy_admin, obligation, department, page, data
):
    client.force_login(policy_admin)
    form = RemindChoiceForm() if page == "remind_confirm" else RemindSendForm()
    # Sometimes the real person's id, so the page or the send itself is reached.
    real = {"obligation": [str(obligation.pk)]}
    fields = data.draw(st.one_of(form_data(form), form_data(form, fixed=real)))
    url = reverse(f"declarations:{page}", args=[obligation.campaign_id])
    assert_calm(submit(client, "post", url, fields))


@fuzzes(SummaryRecipientsForm)
@given(data=st.data())
@FUZZ
def test_naming_the_weekly_summary_s_recipients_takes_any_input(client, policy_admin, alice, data):
    client.force_login(policy_admin)
    campaign = CampaignFactory(open=True)
    url = reverse("declarations:campaign_summary", args=[campaign.pk])
    # Sometimes real addresses among the noise, so the change itself is reached.
    fields = data.draw(
        st.one_of(
            form_data(SummaryRecipientsForm()),
            form_data(SummaryRecipientsForm(), fixed={"recipients": f"{alice.email}\n"}),
        )
    )
    assert_calm(submit(client, "post", url, fields))
    search = data.draw(st.one_of(st.just("alice"), hostile_text))
    assert_calm(submit(client, "get", url, {"q": search}))


@fuzzes(SignForm)
@given(data=st.data())
@FUZZ
def test_signing_takes_any_input(client, alice, obligation, data):
    client.force_login(alice)
    # Sometimes the right name and password, so the signature itself is reached.
    right = {"typed_name": alice.full_name, "password": TEST_PASSWORD, **ticks(obligation)}
    form = SignForm(versions=obligation.campaign.versions.select_related("policy"))
    fields = data.draw(st.one_of(form_data(form), form_data(form, fixed=right)))
    agent = data.draw(st.one_of(st.just("Mozilla/5.0"), st.text(max_size=700)))
    url = reverse("declarations:sign", args=[obligation.pk])
    assert_calm(submit(client, "post", url, fields, user_agent=agent))


@fuzzes(CheckQuestionForm, CheckSettingsForm)
@pytest.mark.parametrize("page", ["check_question_add", "check_settings"])
@given(data=st.data())
@FUZZ
def test_setting_the_questions_takes_any_input(client, policy_admin, published, page, data):
    client.force_login(policy_admin)
    campaign = CampaignFactory(versions=[published])
    form = CheckQuestionForm() if page == "check_question_add" else CheckSettingsForm()
    url = reverse(f"declarations:{page}", args=[campaign.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(form))))


@fuzzes(CheckAnswersForm)
@given(data=st.data())
@FUZZ
def test_answering_the_questions_takes_any_input(client, alice, obligation, questions, data):
    client.force_login(alice)
    fields = data.draw(form_data(CheckAnswersForm(questions=questions)))
    assert_calm(submit(client, "post", reverse("declarations:check", args=[obligation.pk]), fields))


@fuzzes(AllowAttemptsForm)
@given(data=st.data())
@FUZZ
def test_allowing_more_attempts_takes_any_input(client, policy_admin, obligation, data):
    client.force_login(policy_admin)
    url = reverse("declarations:check_allow", args=[obligation.pk])
    assert_calm(submit(client, "post", url, data.draw(form_data(AllowAttemptsForm()))))


@given(seconds=st.dictionaries(hostile_text, hostile_text, max_size=5))
@FUZZ
def test_the_reading_heartbeat_takes_any_input(client, alice, obligation, seconds):
    client.force_login(alice)
    url = reverse("declarations:reading_heartbeat", args=[obligation.pk])
    answer = submit(client, "post", url, seconds)
    assert answer.status_code in (204, 400), answer.status_code


_MARKDOWN_PIECES = [
    "1. ",
    "- ",
    "> ",
    "[",
    "]",
    "(",
    ")",
    "![",
    "*",
    "_",
    "`",
    "#",
    "|",
    "\n",
    "\n\n",
    "    ",
    "<div>",
    "<style>",
    "&",
    "x",
    " ",
    "[a](b)",
    "[^1]",
]


@given(pieces=st.lists(st.one_of(st.sampled_from(_MARKDOWN_PIECES), hostile_text), max_size=3000))
@FUZZ
def test_policy_text_the_form_takes_can_be_shown(policy_admin, pieces):
    # The preview and publication render what the form took: it must render.
    text = "".join(pieces)
    form = PolicyVersionForm(
        {"label": "1.0", "effective_date": "2026-01-01", "body_markdown": text}
    )
    if form.is_valid():
        render_markdown(form.cleaned_data["body_markdown"])
