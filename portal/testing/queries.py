"""What the page layout costs in queries, so a page's query-count test states only its own.

Every signed-in page built on base.html runs these, once the organisation settings row exists
(load it, or fetch a page first) and inside a test's transaction:
  the session and the user (2);
  the layout's organisation settings, roles, "is a line manager?" and unread count (4);
  the request's atomic block (ATOMIC_REQUESTS), a savepoint and its release in a test (2);
  saving the session, which each page touches to push the idle limit on: a savepoint, the
  UPDATE and the release (3).
If the layout gains or loses a query, this number changes once, not in every app's tests.
"""

LAYOUT_QUERIES = 11
