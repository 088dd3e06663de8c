"""Charts drawn server-side with matplotlib (as the quarterly report's): served as SVG images
(the CSP forbids inline SVG styles), each next to a table with the same figures, which is the
accessible alternative. Lines and bars differ by marker and hatch as well as colour."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from linkwell.coproduction.questions import SCALE_MAX
from linkwell.coproduction.selectors.assessments import Progress, TeamLatest

# NHS.UK colours with 3:1 contrast against white.
COLOURS = ["#005eb8", "#ffb81c", "#007f3b", "#8a1538", "#330072", "#ed8b00"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
HATCHES = ["", "//", "..", "xx", "\\\\", "--"]


def _svg(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def progress_svg(progress: Progress) -> bytes:
    """Each principle's score (0-4) at each completed assessment, as lines over time."""
    fig = Figure(figsize=(7.2, 3.8), dpi=100)
    ax = fig.add_subplot()
    if not progress.dates:
        ax.text(0.5, 0.5, "No completed self-assessments yet", ha="center", transform=ax.transAxes)
    for i, row in enumerate(progress.rows):
        points = [(d, s) for d, s in zip(progress.dates, row.scores, strict=True) if s is not None]
        if not points:
            continue
        ax.plot(
            [float(d.toordinal()) for d, _ in points],
            [s for _, s in points],
            label=row.label,
            color=COLOURS[i % len(COLOURS)],
            marker=MARKERS[i % len(MARKERS)],
            linewidth=2,
        )
    ax.set_ylim(-0.1, SCALE_MAX + 0.1)
    ax.set_ylabel("Score (0 not yet, 4 fully and routinely)", fontsize=8)
    if progress.dates:
        ax.set_xticks(
            [float(d.toordinal()) for d in progress.dates],
            [f"{d:%b %Y}" for d in progress.dates],
            fontsize=8,
        )
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(axis="y", color="#d8dde0")
    fig.tight_layout()
    return _svg(fig)


def comparison_svg(teams: Sequence[TeamLatest], principles: Sequence[tuple[str, str]]) -> bytes:
    """Each team's latest score per principle, as grouped bars."""
    fig = Figure(figsize=(7.2, 3.8), dpi=100)
    ax = fig.add_subplot()
    shown = [t for t in teams if t.assessment is not None]
    width = 0.8 / max(1, len(shown))
    positions = list(range(len(principles)))
    for i, team in enumerate(shown):
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        ax.bar(
            offsets,
            [team.scores.get(key) or 0.0 for key, _label in principles],
            width=width,
            label=team.organisation.name[:40],
            color=COLOURS[i % len(COLOURS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="#212b32",
            linewidth=0.5,
        )
    ax.set_xticks(positions, [label for _key, label in principles], fontsize=8)
    ax.set_ylim(0, SCALE_MAX)
    ax.set_ylabel("Latest score (0-4)", fontsize=8)
    if shown:
        ax.legend(
            fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False
        )
    else:
        ax.text(0.5, 0.5, "No completed self-assessments yet", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    return _svg(fig)
