"""Reading a page's error summary in tests: its links, beside the fields marked invalid."""

from html.parser import HTMLParser


class _Page(HTMLParser):
    """The summary's links and the ids of the fields marked invalid on a page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.invalid: set[str] = set()
        self._in_summary = 0

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "data-error-summary" in found:
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.links.append(found["href"])
        if found.get("aria-invalid") == "true" and found.get("id"):
            self.invalid.add(found["id"])

    def handle_endtag(self, tag):
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def summary_links_and_invalid_fields(html: str) -> tuple[list[str], set[str]]:
    """The error summary's links on a page, and the ids of the inputs marked invalid."""
    page = _Page()
    page.feed(html)
    return page.links, page.invalid
