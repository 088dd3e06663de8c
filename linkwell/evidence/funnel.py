"""Funnel plots (Spiegelhalter 2005, "Funnel plots for comparing institutional performance",
Stat Med 24:1185-1202): a proportion per provider against its denominator, with control limits
around the overall proportion so small providers are judged by what chance alone allows.

Limits use the normal approximation to the binomial: p ± z·√(p(1-p)/n), z = 1.959964 (95%) and
3.090232 (99.8%), clipped to [0, 1]. A provider outside the 99.8% limits is unlikely to differ by
chance; inside the 95% limits it is not distinguishable from the average.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
Z998 = 3.090232306167813


@dataclass(frozen=True)
class FunnelPoint:
    key: str
    label: str
    n: int
    events: int

    @property
    def proportion(self) -> float | None:
        return None if self.n == 0 else self.events / self.n


@dataclass(frozen=True)
class Limits:
    n: int
    low95: float
    high95: float
    low998: float
    high998: float


@dataclass(frozen=True)
class FunnelData:
    metric: str
    overall: float | None  # pooled proportion over every point
    points: list[FunnelPoint]
    curve: list[Limits]  # limits at n = 1..max n (thinned), for drawing

    def position(self, point: FunnelPoint) -> str:
        """ "above 99.8%", "above 95%", "within", "below 95%", "below 99.8%" or "" (no data)."""
        if self.overall is None or point.n == 0 or point.proportion is None:
            return ""
        lim = limits(self.overall, point.n)
        p = point.proportion
        if p > lim.high998:
            return "above 99.8% limit"
        if p > lim.high95:
            return "above 95% limit"
        if p < lim.low998:
            return "below 99.8% limit"
        if p < lim.low95:
            return "below 95% limit"
        return "within limits"


def limits(p: float, n: int) -> Limits:
    if n <= 0:
        raise ValueError("n must be positive")
    se = math.sqrt(p * (1 - p) / n)

    def clip(x: float) -> float:
        return min(1.0, max(0.0, x))

    return Limits(
        n, clip(p - Z95 * se), clip(p + Z95 * se), clip(p - Z998 * se), clip(p + Z998 * se)
    )


def funnel(metric: str, points: Sequence[FunnelPoint]) -> FunnelData:
    total_n = sum(p.n for p in points)
    total_events = sum(p.events for p in points)
    overall = total_events / total_n if total_n else None
    curve: list[Limits] = []
    if overall is not None:
        top = max(max(p.n for p in points), 10)
        ns = sorted({max(1, round(top * (i / 100) ** 2)) for i in range(1, 101)} | {1, top})
        curve = [limits(overall, n) for n in ns]
    return FunnelData(metric, overall, list(points), curve)


def render_svg(data: FunnelData, *, title: str, labels: bool = True) -> bytes:
    """The funnel plot as an SVG document (matplotlib, Agg; no scripts, no inline styles that
    a CSP would block: SVG presentation attributes only)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    if data.overall is not None and data.curve:
        ns = [c.n for c in data.curve]
        ax.plot(
            ns, [c.high95 for c in data.curve], color="#005eb8", linestyle="--", label="95% limits"
        )
        ax.plot(ns, [c.low95 for c in data.curve], color="#005eb8", linestyle="--")
        ax.plot(
            ns,
            [c.high998 for c in data.curve],
            color="#d5281b",
            linestyle=":",
            label="99.8% limits",
        )
        ax.plot(ns, [c.low998 for c in data.curve], color="#d5281b", linestyle=":")
        ax.axhline(data.overall, color="#425563", linewidth=1, label=f"Overall {data.overall:.0%}")
        shown = [p for p in data.points if p.n > 0]
        ax.scatter([p.n for p in shown], [p.events / p.n for p in shown], color="#212b32", zorder=3)
        if labels:
            # Only points outside the 95% limits are named: the rest crowd together, and the
            # table under the plot gives every provider's position.
            for p in (q for q in shown if data.position(q) not in ("", "within limits")):
                ax.annotate(
                    p.label[:24],
                    (p.n, p.proportion or 0),
                    fontsize=7,
                    xytext=(4, 3),
                    textcoords="offset points",
                )
        ax.legend(loc="lower right", fontsize=8)
    else:
        ax.text(0.5, 0.5, "No data", ha="center", va="center", transform=ax.transAxes)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Referrals (n)")
    ax.set_ylabel(title)
    ax.set_title(title)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
