"""The portal's roles. Each is a Django group of the same name, created by a migration; a person
may hold several. Line manager is not a group: it follows from the reporting line."""

from enum import StrEnum


class Role(StrEnum):
    POLICY_ADMIN = "Policy administrator"
    DPO = "Data protection officer"
    DEPUTY_DPO = "Deputy data protection officer"
    CHIEF_EXECUTIVE = "Chief Executive"
    CE_DELEGATE = "Chief Executive's delegate"
    HELPDESK = "IT helpdesk"
    PSD = "Professional standards"
    SYSADMIN = "System administrator"


# Who may read the audit trail.
AUDIT_READERS = (Role.DPO, Role.DEPUTY_DPO, Role.CHIEF_EXECUTIVE, Role.SYSADMIN)

# Roles whose pages need the second step of sign-in (as does Django admin access): they reach
# breach reports, the audit trail, people's accounts and, later, public accounts' passwords.
SECOND_FACTOR_ROLES = frozenset(
    {Role.DPO, Role.DEPUTY_DPO, Role.CHIEF_EXECUTIVE, Role.CE_DELEGATE, Role.SYSADMIN}
)
