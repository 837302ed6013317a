"""Horizontal bar charts as SVG, drawn on the server: no JavaScript, no inline styles (the CSP
holds), and every position worked out here rather than in the template. Render a chart with
`{% include "portal/_chart.html" with chart=... chart_id=... chart_title=... %}` beside a table
of the same figures (the chart is for the eye; the table is what a screen reader reads)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# The chart's geometry, in SVG user units (it scales to the page width).
LABEL_WIDTH = 300
BAR_WIDTH = 360
ROW_HEIGHT = 30


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int  # the bar's length, 0 to 100
    value: str  # the text beside the bar, such as "75%" or "nobody asked"


def bar_chart(bars: Sequence[Bar], *, measure: str, caption: str) -> dict[str, Any]:
    """What `portal/_chart.html` draws. `measure` says what the bars are ("per cent signed"),
    `caption` says it in a sentence for the figure's caption."""
    rows = [
        {
            "label": bar.label,
            "value": bar.value,
            "y": index * ROW_HEIGHT,
            "text_y": index * ROW_HEIGHT + 19,
            "width": BAR_WIDTH * min(max(bar.percent, 0), 100) // 100,
        }
        for index, bar in enumerate(bars)
    ]
    return {
        "rows": rows,
        "measure": measure,
        "caption": caption,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH + 10,
        "bar_width": BAR_WIDTH,
        "value_x": LABEL_WIDTH + BAR_WIDTH + 20,
        "width": LABEL_WIDTH + BAR_WIDTH + 130,
    }
