"""Each part of the social media app fuzzes its own forms in
socialmedia/tests/test_form_fuzz_<part>.py (see portal/testing/form_fuzz.py). The portal's check
that every form is fuzzed imports this module only, so each of those is imported here."""

import socialmedia.tests.test_form_fuzz_applications  # noqa: F401
import socialmedia.tests.test_form_fuzz_credentials  # noqa: F401
import socialmedia.tests.test_form_fuzz_permissions  # noqa: F401
import socialmedia.tests.test_form_fuzz_reviews  # noqa: F401
import socialmedia.tests.test_form_fuzz_team  # noqa: F401
