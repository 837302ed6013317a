import pytest

from declarations.markdown import render_markdown, render_markdown_noting_removals, sha256_text


def test_ordinary_markup_survives():
    html = render_markdown(
        "# Scope\n\nThis applies to **all staff**.\n\n1. First\n2. Second\n\n"
        "| Medium | Monitoring |\n| --- | --- |\n| Email | Traffic |\n\n"
        "[Our website](https://example.org)"
    )
    assert "<strong>all staff</strong>" in html
    assert "<ol>" in html
    assert "<li>First</li>" in html
    assert '<th scope="col">Medium</th>' in html
    assert "<td>Email</td>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">Our website</a>' in html


def test_headings_start_below_the_page_title():
    html = render_markdown("# One\n\n## Two\n\n###### Six")
    assert "<h1" not in html
    assert "<h2>One</h2>" in html
    assert "<h3>Two</h3>" in html
    assert "<h6>Six</h6>" in html


def test_scripts_are_removed_with_their_content():
    html = render_markdown("Before\n\n<script>alert('x')</script>\n\nAfter")
    assert "script" not in html.lower()
    assert "alert" not in html
    assert "Before" in html
    assert "After" in html


def test_event_handlers_are_stripped():
    html = render_markdown(
        '<img src="x" onerror="alert(1)">\n\n<a href="https://example.org" onclick="steal()">x</a>'
        '\n\n<p onmouseover="alert(2)">hover</p>'
    )
    assert "onerror" not in html
    assert "onclick" not in html
    assert "onmouseover" not in html
    assert "alert" not in html
    assert "steal" not in html
    assert "<img" not in html


def test_javascript_and_data_links_are_dropped():
    html = render_markdown(
        "[click](javascript:alert(1)) [also](JaVaScRiPt:alert(1)) "
        '<a href="data:text/html,<script>alert(1)</script>">data</a>'
    )
    assert "javascript" not in html.lower()
    assert "data:" not in html
    assert "click" in html


def test_style_iframe_and_forms_are_removed():
    html = render_markdown(
        '<style>body {display:none}</style><iframe src="https://evil.example"></iframe>'
        '<form action="https://evil.example"><input name="password"></form>'
        '<span style="color:red">red</span>'
    )
    for banned in ("<style", "display:none", "<iframe", "<form", "<input", "style="):
        assert banned not in html
    assert "red" in html


def test_only_footnote_ids_are_kept():
    html = render_markdown('Note[^1]\n\n[^1]: The note.\n\n<p id="main">clash</p>')
    assert 'id="fn:1"' in html
    assert 'id="fnref:1"' in html
    assert 'id="main"' not in html


def test_the_fingerprint_is_of_exactly_the_html():
    html = render_markdown("Text")
    assert sha256_text(html) == sha256_text(html)
    assert sha256_text(html) != sha256_text(html + " ")
    assert len(sha256_text(html)) == 64


@pytest.mark.parametrize(
    "tag", ["style", "script", "title", "textarea", "iframe", "noscript", "xmp", "template"]
)
def test_text_after_an_unclosed_tag_is_kept_and_the_tag_removed(tag):
    html = render_markdown(f"Before\n\n<{tag}>\n\nAfter the *tag*.\n\n- one\n- two")
    assert f"<{tag}" not in html.lower()
    # Not only the words, their Markdown too: the rest of the policy is not one raw block.
    assert "<p>After the <em>tag</em>.</p>" in html
    assert "<li>two</li>" in html


def test_text_after_an_unclosed_tag_inside_a_paragraph_is_kept():
    html = render_markdown("Before <style>body {display: none}\n\nAfter the *tag*.")
    assert "<style" not in html
    assert "<p>After the <em>tag</em>.</p>" in html


def test_a_tag_never_finished_does_not_take_the_next_paragraph():
    html = render_markdown('<style class="x"\n\nAfter the tag.')
    assert "<style" not in html
    assert "<p>After the tag.</p>" in html


def test_plaintext_is_removed_and_the_text_after_it_kept():
    html = render_markdown("Before\n\n<plaintext>\n\nAfter <plaintext> it.")
    assert "plaintext" not in html.lower()
    assert "After" in html
    assert "it." in html


def test_a_closed_style_is_still_removed_with_its_content_beside_an_unclosed_one():
    html = render_markdown("<style>body {display:none}</style>\n\nMiddle\n\n<style>\n\nAfter")
    assert "display" not in html
    assert "<style" not in html
    assert "<p>Middle</p>" in html
    assert "<p>After</p>" in html


def test_halves_of_a_tag_cannot_be_joined_into_one():
    html = render_markdown("<scr<script>ipt>alert(1)\n\nAfter")
    assert "<script" not in html
    assert "After" in html


def test_a_tag_shown_as_code_is_left_alone():
    html = render_markdown("Never paste `<style>` into a policy.\n\n```\n<script>\n```")
    assert "<code>&lt;style&gt;</code>" in html
    assert "&lt;script&gt;" in html


# ---- What was removed, said in plain words -------------------------------------------------


def _removed(text: str) -> list[str]:
    html, removed = render_markdown_noting_removals(text)
    assert html == render_markdown(text)  # the same HTML staff will read
    return removed


def test_a_removed_script_is_named_with_why():
    assert _removed("Before\n\n<script>alert('x')</script>\n\nAfter") == [
        "A script was removed: scripts could run in the reader's browser."
    ]


@pytest.mark.parametrize("link", ["[click](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))"])
def test_a_removed_javascript_link_is_named_with_why(link):
    assert _removed(link) == [
        "A link to javascript: was removed: it would run a script when clicked. "
        "The link's words are kept."
    ]


def test_a_link_to_a_scheme_that_is_not_the_web_or_email_is_named():
    removed = _removed('<a href="data:text/html,x">data</a> [file](file:///c:/secret)')
    assert removed[0].startswith("A link to data: was removed: it could open a page hidden")
    assert removed[1].startswith("A link to file: was removed: only web (https:) and email")


def test_each_removed_event_handler_is_named_with_why():
    removed = _removed(
        '<a href="https://example.org" onclick="steal()">x</a>\n\n<p onmouseover="x()">hover</p>'
    )
    assert removed == [
        "An event handler (onclick) was removed: it could run a script when the reader clicks, "
        "points at or opens the text.",
        "An event handler (onmouseover) was removed: it could run a script when the reader "
        "clicks, points at or opens the text.",
    ]


def test_a_thing_removed_many_times_is_named_once_with_how_many():
    assert _removed("<script>a</script>\n\n<script>b</script>\n\n<script>c</script>") == [
        "A script was removed (3 times): scripts could run in the reader's browser."
    ]


def test_styles_embedded_pages_forms_and_pictures_are_named():
    removed = _removed(
        '<style>body {display:none}</style>\n\n<iframe src="https://evil.example"></iframe>\n\n'
        '<form action="https://evil.example"><input name="password"></form>\n\n'
        '<p style="color:red">red</p>\n\n![logo](https://example.org/logo.png)'
    )
    assert [note.split(" was removed")[0] for note in removed] == [
        "A style sheet (<style>)",
        "An embedded page (<iframe>)",
        "A form or form field (<form>)",
        "A form or form field (<input>)",
        "Styling (style=…)",
        "A picture or media (<img>)",
    ]


def test_what_is_inside_a_removed_element_is_not_named_again():
    assert _removed('<iframe><img src="x" onerror="y()"></iframe>') == [
        "An embedded page (<iframe>) was removed: it would show readers content from elsewhere."
    ]


def test_an_unclosed_tag_removed_is_named_with_why():
    removed = _removed("Before\n\n<style>\n\nAfter the tag.")
    assert removed == [
        "A <style> tag that was never closed was removed: everything after it would have been "
        "hidden. The text after it is kept."
    ]


def test_ordinary_markdown_removes_nothing_worth_saying():
    # Footnotes, tables, abbreviations and code make markup nh3 unwraps (<div class="footnote">):
    # the author wrote none of it, so none of it is named.
    assert (
        _removed(
            "# Scope\n\nNote[^1] on *HTML*.\n\n[^1]: The note.\n\n| a | b |\n|:--|--:|\n| 1 | 2 |"
            "\n\n*[HTML]: Hypertext\n\n```python\nx = '<script>'\n```\n\n"
            "[rel](/declarations/) [mail](mailto:dpo@example.org) [web](https://example.org)"
        )
        == []
    )
