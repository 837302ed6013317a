"""Each part of the chat-group register fuzzes its own forms in
groups/tests/test_form_fuzz_<part>.py (see portal/testing/form_fuzz.py). The portal's check that
every form is fuzzed imports this module only, so each of those is imported here."""

import groups.tests.test_form_fuzz_holds  # noqa: F401
import groups.tests.test_form_fuzz_members  # noqa: F401
import groups.tests.test_form_fuzz_reg  # noqa: F401
import groups.tests.test_form_fuzz_reports  # noqa: F401
