"""The DPO's rules of thumb for a breach: when the ICO clock runs out, and what risk to people a
likelihood and a severity suggest.

The deadline is counted in real hours from the moment the organisation became aware (not from
when the breach happened): 72 hours is 72 hours even across a change of the clocks, so it is
added to the instant in UTC. Adding hours to a UK wall-clock time would give 71 or 73 real
hours over the last weekend of March or October.
"""

from datetime import UTC, datetime, timedelta

from incidents.models import Likelihood, Risk, Severity

# The risk to people a likelihood and a severity suggest (the ICO asks for both and leaves the
# judgment to the controller; the DPO may choose otherwise, with reasons). Read across a row:
#
#                     minimal     significant   severe
#     remote          no risk     risk          risk
#     possible        no risk     risk          high risk
#     probable        risk        high risk     high risk
#
# Harm that would be severe is a risk even when remote; harm that is only minimal is no risk
# unless it is probable; high risk needs harm that is at least significant and probable, or
# severe and at least possible.
RISK_MATRIX: dict[tuple[str, str], Risk] = {
    (Likelihood.REMOTE, Severity.MINIMAL): Risk.NONE,
    (Likelihood.REMOTE, Severity.SIGNIFICANT): Risk.RISK,
    (Likelihood.REMOTE, Severity.SEVERE): Risk.RISK,
    (Likelihood.POSSIBLE, Severity.MINIMAL): Risk.NONE,
    (Likelihood.POSSIBLE, Severity.SIGNIFICANT): Risk.RISK,
    (Likelihood.POSSIBLE, Severity.SEVERE): Risk.HIGH,
    (Likelihood.PROBABLE, Severity.MINIMAL): Risk.RISK,
    (Likelihood.PROBABLE, Severity.SIGNIFICANT): Risk.HIGH,
    (Likelihood.PROBABLE, Severity.SEVERE): Risk.HIGH,
}

# Short words for the table on the triage page.
RISK_SHORT = {Risk.NONE: "No risk", Risk.RISK: "Risk", Risk.HIGH: "High risk"}


# What each regime means, in one line, for the triage page and the ICO draft, with the
# organisation's deadline in hours (OrganisationSettings.ico_deadline_hours; the law says 72).
def regime_explained(regime: str, hours: int) -> str:
    return {
        "uk_gdpr": f"Most processing: report to the ICO within {hours} hours of becoming aware "
        "unless there is no risk to people (Article 33); tell the people affected when the "
        "risk is high (Article 34).",
        "dpa_part_3": "A force's processing for law enforcement (investigating and prosecuting "
        f"crime): report to the ICO within {hours} hours as well (section 67), and the same "
        "duty to tell people at high risk (section 68), with limited exceptions.",
    }[regime]


def suggested_risk(likelihood: str, severity: str) -> Risk | None:
    """The risk the matrix suggests, or None until both are chosen."""
    return RISK_MATRIX.get((likelihood, severity))


def ico_deadline(aware_at: datetime, hours: int) -> datetime:
    """The instant the ICO clock runs out: `hours` real hours after awareness."""
    return aware_at.astimezone(UTC) + timedelta(hours=hours)


def matrix_rows() -> list[tuple[str, list[str]]]:
    """The matrix as rows for a table: each likelihood's label, then the short risk for each
    severity in order."""
    return [
        (
            likelihood.label,
            [RISK_SHORT[RISK_MATRIX[(likelihood, severity)]] for severity in Severity],
        )
        for likelihood in Likelihood
    ]
