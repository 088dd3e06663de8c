"""Statistical disclosure control for every aggregate that leaves the system.

Reports, exports, the API and the population summary publish counts, means and percentages
through this module. The rules (also in linkwell/analysis/README.md):

1. **Primary suppression.** A count of 1-7 is published as ``"*"``.
2. **Rounding.** Every other count is rounded to the nearest 5 (8 -> 10, 12 -> 10, 13 -> 15).
   **0 stays 0**: a true zero discloses nothing about a person, and rounding it could not hide
   it anyway (0 rounds to 0). Each figure, totals included, is rounded independently, so
   published rows need not add up to published totals; that is intended (it stops differencing).
3. **Means and percentages** are withheld (``"*"``) when the number of people they are computed
   over is 1-7, and ``None`` (nothing to show) when it is 0.
4. **Secondary suppression** in tables with totals: a suppressed cell must not be recoverable by
   subtracting the published cells from a published total. `suppress_table` repeats two rules
   until nothing changes:
   a. every row and column that has a total (and the total row and total column themselves)
      has either no suppressed cell or at least two; where a line has exactly one, the
      smallest other cell of that line (non-zero first, interior cells before totals) is
      suppressed too;
   b. no suppressed cell is *determined* by the table's linear equations (row sums and column
      sums), checked exactly with rational arithmetic (`determined_cells`): rule (a) alone
      misses a suppressed cell that bridges two otherwise protected blocks. Where one is, the
      smallest unsuppressed cell of its row (else column) is suppressed.
   Suppression only ever grows, so the loop ends.

The checks assume an attacker knows the published table exactly; rounding to 5 makes
differencing still less exact. They do not address interval (bounds) disclosure.

Unsuppressed figures are only for users holding the explicit Django permission
``reports.view_unsuppressed`` (granted to a user or their group; being a superuser is not
enough), checked by `can_see_unsuppressed`. Every use is audited with
`record_unsuppressed_access`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # this module imports Django only inside the functions that need it
    from django.contrib.auth.models import AnonymousUser

    from linkwell.accounts.models import User

SUPPRESSED = "*"
SUPPRESS_MIN = 1
SUPPRESS_MAX = 7
ROUND_TO = 5
PERMISSION = "reports.view_unsuppressed"
PERMISSION_CODENAME = "view_unsuppressed"

PublishedCount = int | str
PublishedValue = float | str | None


def _check_count(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"A count must be an int, not {type(n).__name__}: {n!r}")
    if n < 0:
        raise ValueError(f"A count cannot be negative: {n}")
    return n


def is_small(n: int) -> bool:
    """True when `n` is a count that must not be published (1-7)."""
    return SUPPRESS_MIN <= _check_count(n) <= SUPPRESS_MAX


def round_count(n: int) -> int:
    """Round to the nearest multiple of 5 (counts are integers, so there are no halves)."""
    n = _check_count(n)
    return (n + ROUND_TO // 2) // ROUND_TO * ROUND_TO


def suppress_count(n: int) -> PublishedCount:
    """A count as it may be published: ``"*"`` for 1-7, else rounded to 5 (0 stays 0)."""
    return SUPPRESSED if is_small(n) else round_count(n)


def suppress_value(value: float | None, n: int) -> PublishedValue:
    """A mean or percentage computed over `n` people: withheld for n of 1-7, None for n = 0."""
    n = _check_count(n)
    if n == 0:
        return None
    if is_small(n):
        return SUPPRESSED
    return value


def publish_count(n: int, *, unsuppressed: bool = False) -> PublishedCount:
    """`suppress_count`, unless the caller has checked `can_see_unsuppressed` (and audited)."""
    return _check_count(n) if unsuppressed else suppress_count(n)


# --- Tables with totals ---------------------------------------------------------------------

Cell = tuple[int, int]


@dataclass(frozen=True)
class _Grid:
    """Raw counts with their totals. Row index `rows` / column index `cols` hold the totals."""

    values: list[list[int]]
    rows: int
    cols: int
    total_row: bool
    total_col: bool

    def lines(self) -> list[list[Cell]]:
        """Every set of cells bound by a sum: each line ends with its total cell."""
        r_end = self.rows + (1 if self.total_row else 0)
        c_end = self.cols + (1 if self.total_col else 0)
        out: list[list[Cell]] = []
        if self.total_col:
            # Each row (and the total row) sums to its total in the last column.
            out.extend([(r, c) for c in range(self.cols)] + [(r, self.cols)] for r in range(r_end))
        if self.total_row:
            out.extend([(r, c) for r in range(self.rows)] + [(self.rows, c)] for c in range(c_end))
        return out

    def cells(self) -> list[Cell]:
        r_end = self.rows + (1 if self.total_row else 0)
        c_end = self.cols + (1 if self.total_col else 0)
        return [(r, c) for r in range(r_end) for c in range(c_end)]

    def is_total(self, cell: Cell) -> bool:
        return cell[0] == self.rows or cell[1] == self.cols


def _build_grid(matrix: Sequence[Sequence[int]], total_row: bool, total_col: bool) -> _Grid:
    rows = len(matrix)
    cols = len(matrix[0]) if rows else 0
    values = [[_check_count(v) for v in row] for row in matrix]
    if any(len(row) != cols for row in values):
        raise ValueError("Every row of a table must have the same number of cells.")
    if total_col:
        for row in values:
            row.append(sum(row))
    if total_row:
        width = cols + (1 if total_col else 0)
        values.append([sum(values[r][c] for r in range(rows)) for c in range(width)])
    return _Grid(values, rows, cols, total_row, total_col)


def determined_cells(
    *,
    rows: int,
    cols: int,
    total_row: bool,
    total_col: bool,
    suppressed: set[Cell],
) -> set[Cell]:
    """Suppressed cells whose value follows exactly from the published cells and the sums.

    Cell (r, c) with r == rows is in the total row and c == cols in the total column. The
    unknowns are the suppressed cells; each line (row/column with a total) is one linear
    equation. An unknown is determined iff its unit vector lies in the row space of the
    equations restricted to the unknowns; that is tested by exact Gaussian elimination over the
    rationals (no floating-point tolerance to get wrong).
    """
    grid = _Grid([], rows, cols, total_row, total_col)
    # Equations over the suppressed cells only (published cells move to the right-hand side).
    line_unknowns = [[cell for cell in line if cell in suppressed] for line in grid.lines()]
    line_unknowns = [cells for cells in line_unknowns if cells]
    # Unknowns that share no equation cannot inform each other: solve each connected group of
    # them on its own (union-find), which keeps the exact elimination small on big tables.
    parent = {cell: cell for cell in suppressed}

    def root(cell: Cell) -> Cell:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for cells in line_unknowns:
        for other in cells[1:]:
            parent[root(other)] = root(cells[0])
    groups: dict[Cell, list[Cell]] = {}
    for cell in sorted(suppressed):
        groups.setdefault(root(cell), []).append(cell)
    found: set[Cell] = set()
    for members in groups.values():
        index = {cell: i for i, cell in enumerate(members)}
        equations: list[list[Fraction]] = []
        for line, cells in zip(
            [ln for ln in grid.lines() if any(c in suppressed for c in ln)],
            line_unknowns,
            strict=True,
        ):
            if cells[0] not in index:
                continue
            coeffs = [Fraction(0)] * len(members)
            *parts, total = line
            for cell in parts:
                if cell in index:
                    coeffs[index[cell]] += 1
            if total in index:
                coeffs[index[total]] -= 1
            equations.append(coeffs)
        basis = _row_reduce(equations, len(members))
        found.update(cell for cell, i in index.items() if _in_row_space(basis, i, len(members)))
    return found


def _row_reduce(rows: list[list[Fraction]], width: int) -> dict[int, dict[int, Fraction]]:
    """Reduced row echelon form as {pivot column: sparse row}. The equations are sparse (a
    line touches one row or column of the table), so rows are dicts of non-zero entries."""
    sparse = [{j: v for j, v in enumerate(row) if v != 0} for row in rows]
    sparse = [row for row in sparse if row]
    pivots: dict[int, dict[int, Fraction]] = {}
    free_rows = list(range(len(sparse)))
    for col in range(width):
        pick = next((i for i in free_rows if col in sparse[i]), None)
        if pick is None:
            continue
        free_rows.remove(pick)
        lead = sparse[pick][col]
        pivot_row = {j: v / lead for j, v in sparse[pick].items()}
        sparse[pick] = pivot_row
        for i, row in enumerate(sparse):
            if i != pick and col in row:
                factor = row[col]
                for j, v in pivot_row.items():
                    value = row.get(j, Fraction(0)) - factor * v
                    if value == 0:
                        row.pop(j, None)
                    else:
                        row[j] = value
        pivots[col] = pivot_row
    return pivots


def _in_row_space(basis: dict[int, dict[int, Fraction]], i: int, width: int) -> bool:
    # In reduced form, e_i is in the row space iff column i has a pivot whose row has no other
    # non-zero entry (the coefficients of a row-space vector are its pivot-column entries).
    row = basis.get(i)
    return row is not None and set(row) == {i}


def _complement(grid: _Grid, line: Sequence[Cell], suppressed: set[Cell]) -> Cell | None:
    """The cell to suppress next in `line`: smallest non-zero, interior before totals."""
    candidates = [cell for cell in line if cell not in suppressed]
    if not candidates:
        return None

    def key(cell: Cell) -> tuple[int, int, bool, Cell]:
        value = grid.values[cell[0]][cell[1]]
        return (value == 0, value, grid.is_total(cell), cell)

    return min(candidates, key=key)


def suppression_pattern(
    matrix: Sequence[Sequence[int]],
    *,
    total_row: bool = True,
    total_col: bool = True,
    also: Collection[Cell] = (),
) -> tuple[list[list[int]], set[Cell]]:
    """The raw table with its totals, and the set of cells to publish as ``"*"``.

    `also`: cells to withhold whatever their value (e.g. shares whose count another table
    withholds); secondary suppression then protects them like the small ones."""
    grid = _build_grid(matrix, total_row, total_col)
    suppressed = {cell for cell in grid.cells() if is_small(grid.values[cell[0]][cell[1]])}
    suppressed |= set(also)
    lines = grid.lines()
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for cell in line if cell in suppressed) == 1:
                extra = _complement(grid, line, suppressed)
                if extra is not None:
                    suppressed.add(extra)
                    changed = True
        if changed:
            continue
        exposed = determined_cells(
            rows=grid.rows,
            cols=grid.cols,
            total_row=total_row,
            total_col=total_col,
            suppressed=suppressed,
        )
        for cell in sorted(exposed):
            for line in lines:
                if cell in line:
                    extra = _complement(grid, line, suppressed)
                    if extra is not None:
                        suppressed.add(extra)
                        changed = True
                        break
            if changed:
                break  # re-run the cheap rule before the next exact check
    return grid.values, suppressed


def suppress_table(
    rows: Sequence[Mapping[str, Any]],
    count_keys: Sequence[str],
    *,
    total_row: bool = True,
    total_col: bool = True,
    total_key: str = "total",
    label_key: str | None = None,
    total_label: str = "Total",
    unsuppressed: bool = False,
) -> list[dict[str, Any]]:
    """Publish a table of counts with disclosure control.

    `rows` are the table's body (no totals); `count_keys` the columns holding counts. Other keys
    (labels) are copied. With `total_col` each output row gains `total_key`; with `total_row` a
    last row is added (its `label_key`, if given, is `total_label`). Totals are computed from the
    raw counts, then everything is suppressed and rounded (module docstring). With
    `unsuppressed=True` (only after `can_see_unsuppressed` and `record_unsuppressed_access`) the
    raw counts and totals are returned.
    """
    keys = list(count_keys)
    if total_col and total_key in keys:
        raise ValueError(f"{total_key!r} is both a count column and the total column.")
    matrix = [[_check_count(row.get(k, 0)) for k in keys] for row in rows]
    if not matrix:
        matrix_values: list[list[int]] = []
        suppressed: set[Cell] = set()
        if total_row:
            matrix_values = [[0] * (len(keys) + (1 if total_col else 0))]
    else:
        matrix_values, suppressed = suppression_pattern(
            matrix, total_row=total_row, total_col=total_col
        )
    out_keys = keys + ([total_key] if total_col else [])

    def publish(r: int, c: int) -> PublishedCount:
        raw = matrix_values[r][c]
        if unsuppressed:
            return raw
        return SUPPRESSED if (r, c) in suppressed else round_count(raw)

    out: list[dict[str, Any]] = []
    for r, row in enumerate(rows):
        published = dict(row)
        for c, key in enumerate(out_keys):
            published[key] = publish(r, c)
        out.append(published)
    if total_row:
        last: dict[str, Any] = {label_key: total_label} if label_key else {}
        for c, key in enumerate(out_keys):
            last[key] = publish(len(rows), c)
        out.append(last)
    return out


# --- Shares of a whole ---------------------------------------------------------------------


def publish_shares(
    counts: Sequence[int],
    *,
    withheld: Collection[int] = (),
    unsuppressed: bool = False,
) -> list[PublishedValue]:
    """Each count as a percentage of the counts' true sum, as it may be published.

    The shares are computed from the raw counts and their raw sum, never from published
    (rounded or suppressed) counts: a share of the visible cells only would show a group as
    100% of a whole it is a part of. Disclosure control is then applied to the shares:

    - a share whose count is 1-7, or whose count the caller publishes as ``"*"`` (`withheld`:
      indices into `counts`, e.g. a secondary suppression in the count table), is ``"*"``;
    - the shares add up to 100%, so one withheld share would be 100% minus the others:
      secondary suppression (`suppression_pattern`, the sum as the total) withholds more until
      none is determined by the rest;
    - every share is ``"*"`` when the sum is 1-7, and None when it is 0 (nothing to show).

    With `unsuppressed=True` (after `can_see_unsuppressed` and `record_unsuppressed_access`)
    the raw shares are returned.
    """
    raw = [_check_count(n) for n in counts]
    total = sum(raw)
    if total == 0:
        return [None for _ in raw]
    shares: list[PublishedValue] = [100 * n / total for n in raw]
    if unsuppressed:
        return shares
    if is_small(total):
        return [SUPPRESSED for _ in raw]
    _, hidden = suppression_pattern(
        [[n] for n in raw], total_col=False, also={(i, 0) for i in withheld}
    )
    return [SUPPRESSED if (i, 0) in hidden else share for i, share in enumerate(shares)]


# --- Who may see unsuppressed figures -------------------------------------------------------


def can_see_unsuppressed(user: User | AnonymousUser | None) -> bool:
    """True only for an active user explicitly granted ``reports.view_unsuppressed`` (directly
    or through a group). Superuser status alone does not count: small numbers are personal data
    and seeing them is a deliberate, audited grant."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    return (
        Permission.objects.filter(codename=PERMISSION_CODENAME, content_type__app_label="reports")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )


def record_unsuppressed_access(
    *, user: User | AnonymousUser | None, what: str, detail: Mapping[str, Any] | None = None
) -> None:
    """Audit that `user` was shown unsuppressed figures (`what`: the report or export)."""
    from linkwell.audit.actions import AuditAction
    from linkwell.audit.models import Kind
    from linkwell.audit.services import audit_record

    audit_record(
        actor=user,
        action=AuditAction.UNSUPPRESSED_FIGURES_ACCESSED,
        object_type="reports.aggregate",
        object_repr=what[:255],
        detail={"what": what, **dict(detail or {})},
        kind=Kind.ACCESS,
    )


# --- Outcome analyses -------------------------------------------------------------------------

_PAIRED_COUNTS = (
    "n",
    "n_lost",
    "n_improved",
    "n_deteriorated",
    "n_unchanged",
    "n_reliably_improved",
    "n_reliably_deteriorated",
    "n_improved_with_later",
    "n_still_improved",
)
_PAIRED_OVER_N = (
    "mean_baseline",
    "mean_followup",
    "mean_change",
    "sd_change",
    "ci95_low",
    "ci95_high",
    "t_statistic",
    "t_p",
    "wilcoxon_statistic",
    "wilcoxon_p",
    "effect_size_dz",
    "pct_improved",
    "pct_deteriorated",
    "pct_reliably_improved",
    "pct_reliably_deteriorated",
)


# Each published percentage and the count it is the share of.
_PAIRED_PCT_OF = {
    "pct_improved": "n_improved",
    "pct_deteriorated": "n_deteriorated",
    "pct_reliably_improved": "n_reliably_improved",
    "pct_reliably_deteriorated": "n_reliably_deteriorated",
    "pct_still_improved": "n_still_improved",
}


def suppress_paired_result(result: Any) -> dict[str, Any]:
    """A `linkwell.analysis.stats.PairedResult` as it may be published: counts suppressed or
    rounded, every figure computed over the n pairs withheld when n is 1-7,
    `pct_still_improved` withheld when its own denominator (`n_improved_with_later`) is, and
    each percentage withheld when the count it is the share of is 1-7 (as that count is), or
    when the other shares of the n pairs would give it back."""
    out: dict[str, Any] = result.as_dict()
    for key in _PAIRED_COUNTS:
        if out.get(key) is not None:
            out[key] = suppress_count(out[key])
    for key in _PAIRED_OVER_N:
        if out.get(key) is not None:
            out[key] = suppress_value(out[key], result.n)
    out["pct_still_improved"] = suppress_value(
        result.pct_still_improved, result.n_improved_with_later
    )
    # A percentage whose numerator is withheld is withheld too: 12.5% beside n "10" would
    # give back the 1 of 8 that `n_improved` hides.
    for pct, count in _PAIRED_PCT_OF.items():
        if out.get(pct) is not None and is_small(getattr(result, count)):
            out[pct] = SUPPRESSED
    # Improved, worse and unchanged split the n pairs, so 100% less the published shares
    # would give a withheld one back: withhold as `publish_shares` does.
    if result.n and not is_small(result.n):
        split = publish_shares([result.n_improved, result.n_deteriorated, result.n_unchanged])
        for pct, share in zip(("pct_improved", "pct_deteriorated"), split[:2], strict=True):
            if share == SUPPRESSED:
                out[pct] = SUPPRESSED
    return out
