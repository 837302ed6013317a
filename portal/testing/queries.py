"""What the page layout costs in queries, so a page's query-count test states only its own.

Every signed-in page built on base.html runs these, once the organisation settings are in the
cache (load them, or fetch a page first) and inside a test's transaction:
  the session and the user (2);
  the person's roles (1);
  the unread count, with "is a line manager?" for the menu (1);
  the request's atomic block (ATOMIC_REQUESTS), a savepoint and its release in a test (2).
The session itself is saved at most once a minute (portal.sessions.session_seen), and the
organisation settings come from the cache, so neither costs a query on an ordinary page.
If the layout gains or loses a query, this number changes once, not in every app's tests.
"""

LAYOUT_QUERIES = 6
