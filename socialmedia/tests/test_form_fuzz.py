"""Each part of the social media app fuzzes its own forms in
socialmedia/tests/test_form_fuzz_<part>.py (see portal/testing/form_fuzz.py). The portal's check
that every form is fuzzed imports this module only, so each of those is imported here."""

# ---- Applications and decisions ----
import socialmedia.tests.test_form_fuzz_applications  # noqa: E402, F401

# ---- Opening and the credential register ----
import socialmedia.tests.test_form_fuzz_credentials  # noqa: E402, F401

# ---- Permissions from the Chief Executive ----
import socialmedia.tests.test_form_fuzz_permissions  # noqa: E402, F401

# ---- Reviews and reminders ----
import socialmedia.tests.test_form_fuzz_reviews  # noqa: E402, F401

# ---- The team, leavers, hand-over and closure ----
import socialmedia.tests.test_form_fuzz_team  # noqa: F401
