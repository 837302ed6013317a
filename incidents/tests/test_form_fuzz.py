"""Each part of the incidents app fuzzes its own forms in
incidents/tests/test_form_fuzz_<part>.py (see portal/testing/form_fuzz.py). The portal's check
that every form is fuzzed imports this module only, so each of those is imported here."""

import incidents.tests.test_form_fuzz_clocks  # noqa: F401
import incidents.tests.test_form_fuzz_handling  # noqa: F401
import incidents.tests.test_form_fuzz_register  # noqa: F401
import incidents.tests.test_form_fuzz_report  # noqa: F401
import incidents.tests.test_form_fuzz_triage  # noqa: F401
