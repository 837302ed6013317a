from declarations.markdown import render_markdown, sha256_text


def test_ordinary_markup_survives():
    html = render_markdown(
        "# Scope\n\nThis applies to **all staff**.\n\n1. First\n2. Second\n\n"
        "| Medium | Monitoring |\n| --- | --- |\n| Email | Traffic |\n\n"
        "[Our website](https://example.org)"
    )
    assert "<strong>all staff</strong>" in html
    assert "<ol>" in html and "<li>First</li>" in html
    assert '<th scope="col">Medium</th>' in html and "<td>Email</td>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">Our website</a>' in html


def test_headings_start_below_the_page_title():
    html = render_markdown("# One\n\n## Two\n\n###### Six")
    assert "<h1" not in html
    assert "<h2>One</h2>" in html and "<h3>Two</h3>" in html and "<h6>Six</h6>" in html


def test_scripts_are_removed_with_their_content():
    html = render_markdown("Before\n\n<script>alert('x')</script>\n\nAfter")
    assert "script" not in html.lower() and "alert" not in html
    assert "Before" in html and "After" in html


def test_event_handlers_are_stripped():
    html = render_markdown(
        '<img src="x" onerror="alert(1)">\n\n<a href="https://example.org" onclick="steal()">x</a>'
        '\n\n<p onmouseover="alert(2)">hover</p>'
    )
    assert "onerror" not in html and "onclick" not in html and "onmouseover" not in html
    assert "alert" not in html and "steal" not in html
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
    assert 'id="fn:1"' in html and 'id="fnref:1"' in html
    assert 'id="main"' not in html


def test_the_fingerprint_is_of_exactly_the_html():
    html = render_markdown("Text")
    assert sha256_text(html) == sha256_text(html)
    assert sha256_text(html) != sha256_text(html + " ")
    assert len(sha256_text(html)) == 64
