"""Copies of a campaign's report that leave the portal: each one is on the record."""

from django.db import transaction
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Campaign
from declarations.report_pdf import ReportPdf, report_pdf
from declarations.reports import campaign_report
from declarations.selectors import versions_asked
from portal.models import OrganisationSettings, User
from portal.services.audit import audit_record


@transaction.atomic
def campaign_report_pdf_export(*, campaign: Campaign, by: User, ip=None) -> bytes:
    """The campaign's report as a PDF, recorded as downloaded by `by`. The figures are counted
    here by the report's own helper, so the PDF and the page cannot disagree."""
    now = timezone.now()
    report = campaign_report(campaign, now)
    about = ReportPdf(
        organisation=OrganisationSettings.load().name,
        versions=versions_asked([campaign.pk])[campaign.pk],
        produced_at=now,
        produced_by=f"{by.full_name} ({by.email})",
    )
    pdf = report_pdf(campaign, report, about)
    audit_record(
        verb=DeclarationEvent.DECLARATION_REPORT_PDF_EXPORTED,
        actor=by,
        obj=campaign,
        changes={
            "format": "pdf",
            "asked": report.overall.asked,
            "signed": report.overall.signed,
        },
        ip=ip,
    )
    return pdf
