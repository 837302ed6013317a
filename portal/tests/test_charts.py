from django.template.loader import render_to_string

from portal.lib.charts import Bar, bar_chart


def test_a_bar_chart_places_each_bar_and_scales_it_to_its_percent():
    chart = bar_chart(
        [Bar("Finance", 50, "50%"), Bar("Estates", 0, "nobody asked"), Bar("Odd", 140, "?")],
        measure="per cent signed",
        caption="per cent of those asked who have signed",
    )
    assert [(r["y"], r["text_y"], r["width"]) for r in chart["rows"]] == [
        (0, 19, 180),
        (30, 49, 0),
        (60, 79, 360),  # never longer than the track
    ]
    geometry = (chart["height"], chart["width"], chart["bar_x"], chart["value_x"])
    assert geometry == (90, 790, 310, 680)


def test_an_empty_chart_still_has_a_height():
    assert bar_chart([], measure="m", caption="c")["height"] == 30


def test_the_chart_template_draws_an_accessible_svg():
    chart = bar_chart([Bar("Finance", 50, "50%")], measure="per cent signed", caption="of all")
    html = render_to_string(
        "portal/_chart.html", {"chart": chart, "chart_id": "c1", "chart_title": "By department"}
    )
    assert 'role="img"' in html
    assert 'aria-labelledby="c1-title"' in html
    assert "By department: per cent signed. The same figures are in the table below." in html
    assert 'width="180"' in html
    assert ">50%<" in html
    assert "By department: of all.</figcaption>" in html
