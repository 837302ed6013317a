"""What the registration tests share: a complete application, and the DPO's deputy."""

from groups.services.registration import Application, ExternalPerson


def full_application(**overrides) -> Application:
    values = {
        "name": "Northfield front desk",
        "platform": "whatsapp",
        "purpose": "Arranging cover for the front desk at short notice.",
        "audience": "The front desk team and their supervisors.",
        "will_post": "Shift changes and who is covering.",
        "never_post": "Operational details, protectively marked material, personal details.",
        "why_not_corporate": "Most of the team are away from a desk.",
        "expected_size": 5,
        "logo_confirmed": True,
        "externals": [ExternalPerson("Sam Partner", "Northshire Council", "sam@example.gov.uk")],
    }
    values.update(overrides)
    return Application(**values)
