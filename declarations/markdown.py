"""Policy text: Markdown in, safe HTML out.

Policy administrators write Markdown; staff read the HTML. Python-Markdown passes raw HTML
straight through, so everything it produces is cleaned by nh3 against a short allow-list:
ordinary text markup, headings, lists, tables and links. No script, style, iframe, event
handler or javascript: link survives. The HTML returned here is what is stored at publication
and hashed, so it must be exactly what the page shows.
"""

import hashlib
import re

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "sub",
    "sup",
    "abbr",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "a",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "li": {"value", "id"},
    "sup": {"id"},
    "th": {"scope", "colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
}
# Footnotes link by id; any other id could collide with the page's own (id="main").
_FOOTNOTE_ID = re.compile(r"^fn(ref)?:[\w-]+$")
# Not just stripped but removed with their content: nobody should read a script's source.
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
URL_SCHEMES = {"http", "https", "mailto"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not _FOOTNOTE_ID.match(value):
        return None
    return value


_HEADING = re.compile(r"<(/?)h([1-6])(\s|>)", re.IGNORECASE)


def _demote_headings(html: str) -> str:
    # The page's own title is the only <h1>; a policy's "# Heading" becomes <h2>, and so on,
    # so headings stay in order for screen reader users.
    return _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 1, 6)}{m[3]}", html)


def _header_cells_get_scope(html: str) -> str:
    # Markdown tables put <th> only in the header row, so every one of them heads a column.
    return re.sub(r"<th(?![^>]*\bscope=)(\s|>)", r'<th scope="col"\1', html)


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML, ready to show with |safe."""
    html = md.markdown(
        text or "",
        extensions=["extra", "sane_lists"],
        # Column alignment as an attribute, not a style="" that the CSP would refuse anyway.
        extension_configs={"extra": {"tables": {"use_align_attribute": True}}},
        output_format="html",
    )
    html = _header_cells_get_scope(_demote_headings(html))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def sha256_text(text: str) -> str:
    """SHA-256 of text as UTF-8: the fingerprint of exactly what staff read."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
