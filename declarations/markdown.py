"""Policy text: Markdown in, safe HTML out.

Policy administrators write Markdown; staff read the HTML. Python-Markdown passes raw HTML
straight through, so everything it produces is cleaned by nh3 against a short allow-list:
ordinary text markup, headings, lists, tables and links. No script, style, iframe, event
handler or javascript: link survives. The HTML returned here is what is stored at publication
and hashed, so it must be exactly what the page shows.

What is removed is not removed silently: `render_markdown_noting_removals` also says, in plain
words, what went and why, for the preview an administrator checks before publishing.
"""

import hashlib
import re
from collections import Counter
from html.parser import HTMLParser

import markdown as md
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

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

# Elements whose opening tag, left unclosed, makes a browser's parser (and nh3's) take the rest of
# the document as their content: raw text up to the closing tag that never comes, or children
# removed with the element. One stray "<style>" would otherwise delete every word after it.
_RAW_TEXT = {"script", "style", "iframe", "noembed", "noframes", "noscript", "xmp"}
_ESCAPABLE_RAW_TEXT = {"title", "textarea"}
_SWALLOWING = _RAW_TEXT | _ESCAPABLE_RAW_TEXT | REMOVED_WITH_CONTENT
_TAG = re.compile(
    # A tag's attributes may run over lines, but not past a blank line: a "<style" never finished
    # must not take the next paragraph with it.
    r"<(/?)(" + "|".join(sorted(_SWALLOWING | {"plaintext"})) + r")(?=[\s/>])"
    r"(?:[^>\n]|\n(?![ \t]*\n))*>?",
    re.IGNORECASE,
)


def _without_unclosed_tags(
    html: str, *, line_start: bool = False, dropped: list[str] | None = None
) -> str:
    """Remove the opening tags of swallowing elements that are never closed, and every
    <plaintext> (which nothing closes), keeping the text after them. A closed element is left
    for nh3 to remove with its content. With `line_start`, only tags that begin a line (after at
    most three spaces) count, as Markdown's raw HTML blocks do. The names of the tags removed
    are added to `dropped`."""
    while True:
        drop = _unclosed_tag_spans(html, line_start=line_start)
        if not drop:
            return html
        # Removing one tag can join two halves into another ("<sty<style>le>"): go round again.
        for start, stop in sorted(drop, reverse=True):
            if dropped is not None:
                dropped.append(_TAG.match(html, start)[2].lower())  # type: ignore[index]
            html = html[:start] + html[stop:]


def _unclosed_tag_spans(html: str, *, line_start: bool) -> list[tuple[int, int]]:
    """One pass of _without_unclosed_tags: where the tags to remove are."""
    drop: list[tuple[int, int]] = []
    open_normal: dict[str, list[re.Match[str]]] = {}
    pos = 0
    while (m := _TAG.search(html, pos)) is not None:
        pos = m.end()
        closing, name = m[1], m[2].lower()
        if line_start and not closing and not _begins_line(html, m.start()):
            continue
        if name == "plaintext":
            drop.append(m.span())
        elif name in _RAW_TEXT | _ESCAPABLE_RAW_TEXT:
            if closing:
                continue  # a stray closing tag swallows nothing; nh3 drops it
            # Raw text ends at the first closing tag of the same name, whatever is between.
            end = re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE).search(html, m.end())
            if end is None:
                drop.append(m.span())
            else:
                pos = end.start()
        elif closing:
            if open_normal.get(name):
                open_normal[name].pop()
        else:
            open_normal.setdefault(name, []).append(m)
    return drop + [m.span() for opened in open_normal.values() for m in opened]


def _begins_line(html: str, start: int) -> bool:
    """Whether what is at `start` begins a line, after at most three spaces."""
    before = html[html.rfind("\n", 0, start) + 1 : start]
    return len(before) <= 3 and not before.strip(" ")


class _UnclosedTagsExtension(Extension):
    """Markdown takes everything after an unclosed block-level <style> as one raw HTML block, so
    the rest of the policy would lose its formatting, not only its tags. This removes such tags
    from the source first: after fenced code is set aside (priority 25), before raw HTML blocks
    are read (20). A tag that does not begin a line is left for the pass on the HTML."""

    def __init__(self, dropped: list[str]):
        super().__init__()
        self.dropped = dropped

    def extendMarkdown(self, md_instance: md.Markdown) -> None:  # noqa: N802 (Markdown's API)
        preprocessor = _UnclosedTagsPreprocessor(md_instance, self.dropped)
        md_instance.preprocessors.register(preprocessor, "unclosed", 22)


class _UnclosedTagsPreprocessor(Preprocessor):
    def __init__(self, md_instance: md.Markdown, dropped: list[str]):
        super().__init__(md_instance)
        self.dropped = dropped

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        return _without_unclosed_tags(text, line_start=True, dropped=self.dropped).split("\n")


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


# ---- Saying what was removed, and why ---------------------------------------------------------
# For the author, in the portal's words: what they wrote that readers will not get. Markup that
# only wraps words (<div>, <span>, a class) is unwrapped and its words kept: not worth a warning.

UNCLOSED = "everything after it would have been hidden. The text after it is kept."
_SCRIPT = "it could run in the reader's browser."
_ELEMENTS = {
    "script": ("A script", "scripts could run in the reader's browser."),
    "style": ("A style sheet (<style>)", "it could hide or change the text readers see."),
    "iframe": ("An embedded page (<iframe>)", "it would show readers content from elsewhere."),
    "frame": ("An embedded page (<frame>)", "it would show readers content from elsewhere."),
    "object": ("Embedded content (<object>)", _SCRIPT),
    "embed": ("Embedded content (<embed>)", _SCRIPT),
    "applet": ("Embedded content (<applet>)", _SCRIPT),
    "template": ("Hidden text (<template>)", "readers would sign for text they cannot see."),
    "noscript": ("Hidden text (<noscript>)", "readers would sign for text they cannot see."),
    "link": ("A <link> tag", "it could change how the page loads."),
    "meta": ("A <meta> tag", "it could change how the page loads or send readers elsewhere."),
    "base": ("A <base> tag", "it would change where every link on the page goes."),
}
_FORM_PARTS = {"form", "input", "button", "select", "textarea", "option", "fieldset", "label"}
_MEDIA = {"img", "svg", "video", "audio", "picture", "source", "canvas", "math", "image"}
_URL_REASONS = {
    "javascript": "it would run a script when clicked.",
    "vbscript": "it would run a script when clicked.",
    "data": "it could open a page hidden inside the link itself.",
}
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _url_scheme(url: str) -> str:
    """The scheme of a link as a browser reads it ("java\tscript:" is javascript:), or "" for
    a link within the portal ("#fn:1", "/declarations/")."""
    url = re.sub(r"^[\x00-\x20]+", "", re.sub(r"[\t\n\r]", "", url))
    found = _URL_SCHEME.match(url)
    return found[1].lower() if found else ""


class _Removals(HTMLParser):
    """Reads the HTML nh3 is about to clean, noting what it will remove, by the same lists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.notes: list[tuple[str, str]] = []
        self._inside_removed = 0  # within an element removed with its content: said already

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._inside_removed:
            self._inside_removed += tag in REMOVED_WITH_CONTENT
            return
        if tag not in ALLOWED_TAGS:
            self._note_element(tag)
            self._inside_removed += tag in REMOVED_WITH_CONTENT
            return
        for name, value in attrs:
            if name.startswith("on"):
                self.notes.append(
                    (
                        f"An event handler ({name})",
                        "it could run a script when the reader clicks, points at or opens "
                        "the text.",
                    )
                )
            elif name == "style":
                self.notes.append(
                    ("Styling (style=…)", "policies are shown in the portal's own plain style.")
                )
            elif name in ALLOWED_ATTRIBUTES.get(tag, ()) and name in {"href", "src"}:
                scheme = _url_scheme(value or "")
                if scheme and scheme not in URL_SCHEMES:
                    self.notes.append(
                        (
                            f"A link to {scheme}:",
                            _URL_REASONS.get(
                                scheme, "only web (https:) and email (mailto:) links are kept."
                            )
                            + " The link's words are kept.",
                        )
                    )

    def handle_endtag(self, tag: str) -> None:
        if self._inside_removed and tag in REMOVED_WITH_CONTENT:
            self._inside_removed -= 1

    def _note_element(self, tag: str) -> None:
        if tag in _ELEMENTS:
            self.notes.append(_ELEMENTS[tag])
        elif tag in _FORM_PARTS:
            self.notes.append(
                (
                    f"A form or form field (<{tag}>)",
                    "a policy cannot ask readers to type in or send anything.",
                )
            )
        elif tag in _MEDIA:
            self.notes.append(
                (
                    f"A picture or media (<{tag}>)",
                    "policy text shows words only; put pictures in the PDF copy.",
                )
            )


def _in_words(notes: list[tuple[str, str]]) -> list[str]:
    """Each note once, in the order first met, with how many times when more than once."""
    counts = Counter(notes)
    return [
        f"{what} was removed{f' ({counts[what, why]} times)' if counts[what, why] > 1 else ''}: "
        f"{why}"
        for what, why in dict.fromkeys(notes)
    ]


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML, ready to show with |safe."""
    return render_markdown_noting_removals(text)[0]


def render_markdown_noting_removals(text: str) -> tuple[str, list[str]]:
    """Markdown to sanitised HTML, and what the sanitising removed that the author wrote, each
    in a sentence saying what and why ("A script was removed: …"); each said once, with how
    many times when more than once."""
    dropped: list[str] = []
    html = md.markdown(
        text or "",
        extensions=["extra", "sane_lists", _UnclosedTagsExtension(dropped)],
        # Column alignment as an attribute, not a style="" that the CSP would refuse anyway.
        extension_configs={"extra": {"tables": {"use_align_attribute": True}}},
        output_format="html",
    )
    html = _without_unclosed_tags(_header_cells_get_scope(_demote_headings(html)), dropped=dropped)
    found = _Removals()
    found.feed(html)
    found.close()
    unclosed = [(f"A <{name}> tag that was never closed", UNCLOSED) for name in dropped]
    return _clean(html), _in_words(unclosed + found.notes)


def _clean(html: str) -> str:
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
