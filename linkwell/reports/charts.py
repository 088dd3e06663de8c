"""Charts for the quarterly report, drawn server-side with matplotlib from the *published*
rows of a `Table` (suppressed cells are not drawn, and the chart says so).

SVG for the HTML page (served as an image: the CSP forbids inline SVG styles), PNG for the PDF.
Every chart has its table next to it as the accessible alternative.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.reports.quarterly.structure import Table, number

# NHS.UK colours that keep 3:1 contrast against white and each other's neighbours.
COLOURS = ["#005eb8", "#ffb81c", "#007f3b", "#8a1538", "#330072", "#ed8b00", "#425563", "#00a499"]
MAX_BARS = 25


def chart_figure(table: Table) -> Figure | None:
    """The table's chart as a matplotlib Figure, or None when it has no chart or no data."""
    chart = table.chart
    if chart is None:
        return None
    rows = table.body_rows()[:MAX_BARS]
    if not rows:
        return None
    labels = [str(r.get(chart.label_key, ""))[:40] for r in rows]
    names = {c.key: c.label for c in table.columns}
    series = [[number(r.get(k)) for r in rows] for k in chart.value_keys]
    if not table.chartable():
        return None
    hidden = any(r.get(k) == SUPPRESSED for r in rows for k in chart.value_keys)
    horizontal = chart.kind == "barh"
    height = max(2.6, 0.32 * len(rows) + 1.4) if horizontal else 3.4
    fig = Figure(figsize=(7.2, height), dpi=100)
    ax = fig.add_subplot()
    positions = list(range(len(rows)))
    if chart.kind == "stacked":
        bottom = [0.0] * len(rows)
        for i, (key, values) in enumerate(zip(chart.value_keys, series, strict=True)):
            heights = [v or 0.0 for v in values]
            ax.bar(
                positions,
                heights,
                bottom=bottom,
                label=names.get(key, key),
                color=COLOURS[i % len(COLOURS)],
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    else:
        width = 0.8 / len(series)
        for i, (key, values) in enumerate(zip(chart.value_keys, series, strict=True)):
            offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
            heights = [v or 0.0 for v in values]
            if horizontal:
                ax.barh(
                    offsets,
                    heights,
                    height=width,
                    label=names.get(key, key),
                    color=COLOURS[i % len(COLOURS)],
                )
            else:
                ax.bar(
                    offsets,
                    heights,
                    width=width,
                    label=names.get(key, key),
                    color=COLOURS[i % len(COLOURS)],
                )
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlabel(chart.ylabel)
    else:
        ax.set_xticks(
            positions,
            labels,
            rotation=30 if len(rows) > 4 else 0,
            ha="right" if len(rows) > 4 else "center",
        )
        ax.set_ylabel(chart.ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize=8)
    ax.set_title(table.title, fontsize=10, loc="left")
    if hidden:
        fig.text(0.01, 0.01, "* Small numbers are not drawn (see the table).", fontsize=7)
    fig.tight_layout()
    return fig


def chart_svg(table: Table) -> bytes | None:
    fig = chart_figure(table)
    if fig is None:
        return None
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def chart_png(table: Table, *, dpi: int = 150) -> bytes | None:
    fig = chart_figure(table)
    if fig is None:
        return None
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def chart_alt(table: Table) -> str:
    """Alt text: what the chart shows; the figures are in the table that follows it."""
    chart = table.chart
    if chart is None:
        return ""
    names = {c.key: c.label for c in table.columns}
    what = ", ".join(names.get(k, k) for k in chart.value_keys)
    return f"Bar chart of {table.title.lower()}: {what}. The figures are in the table below."
