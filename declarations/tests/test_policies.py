import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from declarations.forms import PolicyVersionForm
from declarations.markdown import render_markdown, sha256_text
from declarations.models import Campaign, Obligation, PolicyVersion
from declarations.services.campaigns import campaign_enrol
from declarations.services.policies import (
    policy_create,
    policy_version_create,
    policy_version_publish,
    policy_version_update,
)
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.models import AuditEvent, Notification
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft(policy_admin, **kwargs):
    policy = kwargs.pop("policy", None) or policy_create(
        by=policy_admin, title="IT, communications and social media", slug="it-policy"
    )
    return policy_version_create(
        policy=policy,
        by=policy_admin,
        label=kwargs.pop("label", "4.0"),
        effective_date=timezone.localdate(),
        body_markdown=kwargs.pop("body_markdown", "## Scope\n\nEveryone. <script>x()</script>"),
        summary_of_changes="General review.",
        **kwargs,
    )


def test_publishing_fixes_the_sanitised_text_and_its_fingerprint(policy_admin):
    version = _draft(policy_admin)
    version, campaign = policy_version_publish(version=version, by=policy_admin)
    version.refresh_from_db()
    assert campaign is None
    assert version.status == PolicyVersion.Status.PUBLISHED
    assert version.published_by == policy_admin
    assert version.published_at is not None
    assert version.body_html == render_markdown(version.body_markdown)
    assert "script" not in version.body_html
    assert version.content_sha256 == hashlib.sha256(version.body_html.encode()).hexdigest()
    event = AuditEvent.objects.get(verb="policy_version.published")
    assert event.changes["content_sha256"] == version.content_sha256


def test_a_published_version_cannot_be_edited_or_published_again(policy_admin):
    version, _ = policy_version_publish(version=_draft(policy_admin), by=policy_admin)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        policy_version_update(version=version, by=policy_admin, body_markdown="Changed")
    with pytest.raises(ValidationError, match="already published"):
        policy_version_publish(version=version, by=policy_admin)
    version.refresh_from_db()
    assert "Changed" not in version.body_markdown
    assert version.content_sha256 == sha256_text(version.body_html)


def test_a_draft_can_be_edited_and_the_change_is_recorded(policy_admin):
    version = _draft(policy_admin)
    policy_version_update(version=version, by=policy_admin, body_markdown="New text")
    version.refresh_from_db()
    assert version.body_markdown == "New text"
    assert AuditEvent.objects.filter(verb="policy_version.updated").exists()


def test_two_versions_of_a_policy_cannot_share_a_label(policy_admin):
    version = _draft(policy_admin)
    with pytest.raises(ValidationError, match="already has a version labelled 4.0"):
        _draft(policy_admin, policy=version.policy, label="4.0")


def test_a_pdf_is_stored_under_a_new_name_and_fingerprinted_at_publication(
    policy_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("../../etc/My Policy.pdf", PDF_BYTES, "application/pdf")
    version = _draft(policy_admin, pdf=upload)
    assert "My Policy" not in version.pdf.name
    assert version.pdf.name.endswith(".pdf")
    version, _ = policy_version_publish(version=version, by=policy_admin)
    assert version.pdf_sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def _signed_earlier(version, user):
    campaign = CampaignFactory(open=True, versions=[version])
    return DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=user))


def test_a_material_change_asks_exactly_those_who_signed_an_earlier_version(
    policy_admin, alice, bob, charlie, django_capture_on_commit_callbacks, mailoutbox
):
    old = PolicyVersionFactory(published=True, label="3.0")
    _signed_earlier(old, alice)
    _signed_earlier(old, bob)
    leaver = UserFactory()
    _signed_earlier(old, leaver)
    leaver.is_active = False
    leaver.save()
    # Charlie signed a different policy only; the administrator never signed anything.
    _signed_earlier(PolicyVersionFactory(published=True), charlie)
    new = _draft(policy_admin, policy=old.policy, label="4.0", material_change=True)
    due = timezone.now() + timedelta(days=10)

    with django_capture_on_commit_callbacks(execute=True):
        new, campaign = policy_version_publish(version=new, by=policy_admin, resign_due_at=due)

    assert campaign.kind == Campaign.Kind.RESIGN
    assert campaign.caused_by == new
    assert list(campaign.versions.all()) == [new]
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.due_at == due
    asked = set(campaign.obligations.values_list("user_id", flat=True))
    assert asked == {alice.pk, bob.pk}
    assert all(o.due_at == due for o in campaign.obligations.all())
    resign_mail = [m for m in mailoutbox if "sign again" in m.subject]
    assert sorted(m.to[0] for m in resign_mail) == sorted([alice.email, bob.email])
    # Running enrolment again (the sweep) asks nobody twice.
    assert campaign_enrol(campaign=campaign) == 0
    assert (
        Notification.objects.filter(dedup_key__startswith=f"decl-opened:{campaign.pk}:").count()
        == 2
    )


def test_a_material_change_nobody_signed_before_opens_no_campaign(policy_admin, alice):
    version = _draft(policy_admin, material_change=True)
    version, campaign = policy_version_publish(version=version, by=policy_admin)
    assert campaign is None
    assert not Campaign.objects.exists()


def test_someone_who_signs_the_old_version_later_is_asked_again_by_the_sweep(
    policy_admin, alice, bob
):
    old = PolicyVersionFactory(
        published=True, label="3.0", published_at=timezone.now() - timedelta(days=30)
    )
    annual = CampaignFactory(open=True, versions=[old])
    DeclarationFactory(obligation=ObligationFactory(campaign=annual, user=alice))
    new = _draft(policy_admin, policy=old.policy, label="4.0", material_change=True)
    new, campaign = policy_version_publish(version=new, by=policy_admin)
    campaign_enrol(campaign=campaign)
    assert set(campaign.obligations.values_list("user_id", flat=True)) == {alice.pk}
    DeclarationFactory(obligation=ObligationFactory(campaign=annual, user=bob))
    assert campaign_enrol(campaign=campaign) == 1
    assert campaign.obligations.filter(user=bob).exists()


# ---- Pages ---------------------------------------------------------------------------------


def test_the_edit_page_of_a_published_version_says_so_and_offers_a_new_one(client, policy_admin):
    version, _ = policy_version_publish(version=_draft(policy_admin), by=policy_admin)
    client.force_login(policy_admin)
    url = reverse("declarations:version_edit", args=[version.pk])
    page = client.get(url)
    assert "is published and cannot be changed" in page.text
    new_link = reverse("declarations:version_create", args=[version.policy.slug])
    assert f"{new_link}?from={version.pk}" in page.text
    posted = client.post(
        url,
        {"label": "4.0", "effective_date": "2026-01-01", "body_markdown": "Sneaky change"},
    )
    assert "is published and cannot be changed" in posted.text
    version.refresh_from_db()
    assert "Sneaky" not in version.body_markdown
    # The new version starts from the published text.
    prefilled = client.get(f"{new_link}?from={version.pk}")
    assert "Everyone." in prefilled.text


@pytest.mark.parametrize("start", ["²", "٣", "9" * 5000, "99999999999", "-1", "1.0"])
def test_a_version_to_start_from_that_is_no_id_starts_from_nothing(client, policy_admin, start):
    policy = PolicyFactory(owner=policy_admin)
    client.force_login(policy_admin)
    url = reverse("declarations:version_create", args=[policy.slug])
    response = client.get(url, {"from": start})
    assert response.status_code == 200
    assert response.context["source"] is None


def test_an_administrator_writes_previews_and_publishes_a_version(client, policy_admin):
    client.force_login(policy_admin)
    created = client.post(
        reverse("declarations:policy_create"),
        {"title": "Social media", "slug": "social-media", "summary": "", "owner": policy_admin.pk},
    )
    assert created.status_code == 302
    response = client.post(
        reverse("declarations:version_create", args=["social-media"]),
        {
            "label": "1.0",
            "effective_date": timezone.localdate().isoformat(),
            "body_markdown": "# Rules\n\nBe **careful**.",
            "summary_of_changes": "First version.",
            "owner": policy_admin.pk,
        },
    )
    version = PolicyVersion.objects.get(policy__slug="social-media")
    assert response.url == reverse("declarations:admin_version", args=[version.pk])
    preview = client.get(response.url)
    assert "<strong>careful</strong>" in preview.text
    assert "Publish version 1.0" in preview.text
    published = client.post(reverse("declarations:version_publish", args=[version.pk]))
    assert published.status_code == 302
    version.refresh_from_db()
    assert version.is_published


def test_a_version_form_with_mistakes_is_shown_again_with_what_was_typed(client, policy_admin):
    policy = PolicyFactory(slug="it")
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:version_create", args=[policy.slug]),
        {"label": "", "effective_date": "not a date", "body_markdown": "Kept text"},
    )
    assert response.status_code == 200
    assert "Kept text" in response.text
    assert "Enter the version&#x27;s label, for example 4.0." in response.text
    assert "Enter the date this version takes effect as a real date" in response.text
    assert not PolicyVersion.objects.exists()


def test_a_pdf_upload_that_is_not_a_pdf_is_refused(client, policy_admin):
    policy = PolicyFactory(slug="it")
    client.force_login(policy_admin)
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(
        reverse("declarations:version_create", args=[policy.slug]),
        {
            "label": "1.0",
            "effective_date": "2026-01-01",
            "body_markdown": "Text",
            "pdf": fake,
        },
    )
    assert "not a PDF file" in response.text
    assert not PolicyVersion.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1. " * 2000 + "x", "nested too deeply"),
        ("[" * 5000, "A paragraph has 5,000 square brackets"),
    ],
    ids=["numbered", "brackets"],
)
def test_policy_text_that_cannot_be_shown_is_refused_with_the_reason(
    client, policy_admin, text, message
):
    policy = PolicyFactory(slug="it")
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:version_create", args=[policy.slug]),
        {"label": "1.0", "effective_date": "2026-01-01", "body_markdown": text},
    )
    assert response.status_code == 200
    assert message in response.text
    assert not PolicyVersion.objects.exists()


def test_policy_text_with_many_links_in_many_paragraphs_is_kept(policy_admin):
    form = PolicyVersionForm(
        {
            "label": "1.0",
            "effective_date": "2026-01-01",
            "body_markdown": "\n\n".join("[Guidance](https://example.org)" * 50 for _ in range(40)),
            "owner": policy_admin.pk,
        }
    )
    assert form.is_valid(), form.errors


def test_staff_read_the_current_version_and_the_history(client, alice):
    policy = PolicyFactory(title="IT policy", slug="it")
    PolicyVersionFactory(
        policy=policy,
        published=True,
        label="3.0",
        effective_date=timezone.localdate() - timedelta(days=400),
        body_markdown="Old text",
        summary_of_changes="General review.",
    )
    PolicyVersionFactory(
        policy=policy,
        published=True,
        label="4.0",
        body_markdown="Current text",
        summary_of_changes="Social media rules rewritten.",
    )
    PolicyVersionFactory(policy=policy, label="5.0", body_markdown="Draft text")
    client.force_login(alice)
    listing = client.get(reverse("declarations:policies"))
    assert "IT policy" in listing.text
    assert "Version 4.0" in listing.text
    page = client.get(reverse("declarations:policy", args=["it"]))
    assert "Current text" in page.text
    assert "Old text" not in page.text
    assert "Social media rules rewritten." in page.text
    assert "General review." in page.text
    assert "Draft text" not in page.text
    assert "5.0" not in page.text


def test_a_policy_with_only_drafts_is_hidden_from_staff(client, alice):
    PolicyVersionFactory(policy=PolicyFactory(slug="secret"), body_markdown="Draft")
    client.force_login(alice)
    assert client.get(reverse("declarations:policy", args=["secret"])).status_code == 404


def test_the_pdf_is_served_as_an_attachment_to_staff(client, alice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = PolicyVersionFactory(
        published=True,
        pdf=SimpleUploadedFile("x.pdf", PDF_BYTES, "application/pdf"),
        policy__slug="it",
        label="4.0",
    )
    client.force_login(alice)
    response = client.get(reverse("declarations:version_pdf", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="it-4.0.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_the_policy_pages_run_a_fixed_number_of_queries(
    client, alice, policy_admin, django_assert_num_queries
):
    for n in range(30):
        policy = PolicyFactory(slug=f"p{n}")
        PolicyVersionFactory(policy=policy, published=True)
        PolicyVersionFactory(policy=policy)
    client.force_login(alice)
    client.get(reverse("declarations:policies"))
    # The layout, then the policies and their versions.
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        assert client.get(reverse("declarations:policies")).status_code == 200
    client.force_login(policy_admin)
    client.get(reverse("declarations:admin_policies"))
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        assert client.get(reverse("declarations:admin_policies")).status_code == 200


def test_the_history_page_runs_a_fixed_number_of_queries(client, alice, django_assert_num_queries):
    policy = PolicyFactory(slug="it")
    for n in range(30):
        PolicyVersionFactory(policy=policy, published=True, label=f"{n}.0")
    client.force_login(alice)
    client.get(reverse("declarations:policy", args=["it"]))
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        assert client.get(reverse("declarations:policy", args=["it"])).status_code == 200


def test_obligations_are_unaffected_by_a_new_version_without_material_change(policy_admin, alice):
    old = PolicyVersionFactory(published=True, label="3.0")
    _signed_earlier(old, alice)
    new = _draft(policy_admin, policy=old.policy, label="3.1", material_change=False)
    policy_version_publish(version=new, by=policy_admin)
    assert Campaign.objects.filter(kind=Campaign.Kind.RESIGN).count() == 0
    assert Obligation.objects.count() == 1


def test_the_administrators_version_list_runs_a_fixed_number_of_queries(
    client, policy_admin, django_assert_num_queries
):
    policy = PolicyFactory(slug="it")
    for n in range(30):
        PolicyVersionFactory(
            policy=policy, published=n % 2 == 0, published_by=policy_admin, label=f"{n}.0"
        )
    client.force_login(policy_admin)
    url = reverse("declarations:admin_policy", args=["it"])
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        response = client.get(url)
    assert response.text.count("badge text-bg-secondary") == 15


def test_the_preview_says_what_was_removed_and_why_before_publishing(client, policy_admin):
    version = _draft(
        policy_admin, body_markdown="Read [this](javascript:alert(1)).\n\n<script>x()</script>"
    )
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:admin_version", args=[version.pk]))
    assert "Some of what you wrote will not be shown" in page.text
    assert "A script was removed: scripts could run in the reader&#x27;s browser." in page.text
    assert "A link to javascript: was removed" in page.text


def test_the_preview_still_says_what_was_removed_when_publishing_is_refused(client, policy_admin):
    version = _draft(policy_admin, body_markdown="<script>x()</script>", material_change=True)
    client.force_login(policy_admin)
    refused = client.post(
        reverse("declarations:version_publish", args=[version.pk]),
        {"resign_due_at": "2000-01-01T09:00"},
    )
    assert refused.status_code == 400
    assert "A script was removed" in refused.text


def test_the_preview_says_nothing_when_nothing_was_removed(client, policy_admin):
    version = _draft(policy_admin, body_markdown="## Scope\n\nEveryone, [see](https://x.org).")
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:admin_version", args=[version.pk]))
    assert "will not be shown" not in page.text
    assert "was removed" not in page.text


def test_a_published_version_no_longer_lists_what_was_removed(client, policy_admin):
    version, _ = policy_version_publish(version=_draft(policy_admin), by=policy_admin)
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:admin_version", args=[version.pk]))
    assert "was removed" not in page.text
