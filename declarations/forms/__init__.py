"""Forms only validate what was typed; the services make the change.

One module per part of the app; everything is importable from here, as it was when this was
one file."""

from declarations.forms.campaigns import (
    CampaignCloseForm,
    CampaignForm,
    CampaignReopenForm,
    CampaignRepeatStopForm,
    ExtraStatementForm,
    SummaryRecipientsForm,
    VersionsField,
    campaign_initial,
)
from declarations.forms.checks import (
    MAX_CHOICE_FIELDS,
    CheckQuestionForm,
    CheckSettingsForm,
)
from declarations.forms.fields import (
    DATETIME_FORMAT,
    DateInput,
    LocalDateTimeField,
    ObligationIdsField,
)
from declarations.forms.obligations import (
    AllowAttemptsForm,
    ExemptForm,
    ExemptionEndForm,
    ExtendForm,
    PauseForm,
)
from declarations.forms.policies import (
    MAX_BRACKETS_IN_A_PARAGRAPH,
    PAGE_ADDRESS_RULE,
    ApproveForm,
    PolicyForm,
    PolicyReviewForm,
    PolicyVersionForm,
    PublishForm,
    ReturnForm,
)
from declarations.forms.reports import (
    NO_DEPARTMENT,
    REMIND_EVERYONE,
    REMIND_TICKED,
    OutstandingFilterForm,
    PeopleFilterForm,
    RemindChoiceForm,
    RemindSendForm,
)
from declarations.forms.signing import (
    CheckAnswersForm,
    SignForm,
)

__all__ = [
    "AllowAttemptsForm",
    "ApproveForm",
    "CampaignCloseForm",
    "CampaignForm",
    "CampaignReopenForm",
    "CampaignRepeatStopForm",
    "CheckAnswersForm",
    "CheckQuestionForm",
    "CheckSettingsForm",
    "DATETIME_FORMAT",
    "DateInput",
    "ExemptForm",
    "ExemptionEndForm",
    "ExtendForm",
    "ExtraStatementForm",
    "LocalDateTimeField",
    "MAX_BRACKETS_IN_A_PARAGRAPH",
    "MAX_CHOICE_FIELDS",
    "NO_DEPARTMENT",
    "ObligationIdsField",
    "OutstandingFilterForm",
    "PAGE_ADDRESS_RULE",
    "PauseForm",
    "PeopleFilterForm",
    "PolicyForm",
    "PolicyReviewForm",
    "PolicyVersionForm",
    "PublishForm",
    "REMIND_EVERYONE",
    "REMIND_TICKED",
    "RemindChoiceForm",
    "RemindSendForm",
    "ReturnForm",
    "SignForm",
    "SummaryRecipientsForm",
    "VersionsField",
    "campaign_initial",
]
