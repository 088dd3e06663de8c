"""The quarterly report's figures on a small fixture (quarterly_records in factories.py), raw and
published."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.analysis.filters import ReportFilter
from linkwell.connections.models import ConnectionStatus
from linkwell.directory.models import TaxonomyTerm
from linkwell.directory.taxonomies import (
    ACTIVITY_TYPES,
    ASSET_KIND,
    CATEGORIES,
    FIVE_WAYS,
    NEEDS,
    shipped_taxonomies,
    shipped_terms,
    taxonomy_seed,
    term_uuid,
)
from linkwell.directory.tests.factories import make_service, tag
from linkwell.evidence.tests.factories import at, connect, journey
from linkwell.reports.quarterly import build_report, quarter_bounds
from linkwell.reports.quarterly.structure import Report
from linkwell.reports.stories import deidentify
from linkwell.reports.tests.factories import MAY, quarterly_records
from tests.personas import Personas

pytestmark = pytest.mark.django_db
Q1 = ReportFilter(start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 30))
_TOP_LEVEL = {
    t["code"]
    for taxonomy in shipped_taxonomies()
    if taxonomy["code"] == CATEGORIES
    for t in taxonomy["terms"]
    if not t.get("parent")
}


def _rows(report: Report, table_id: str) -> list[dict[str, Any]]:
    table = report.table(table_id)
    assert table is not None, table_id
    return table.rows


def _by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(r[key]): r for r in rows}


@pytest.fixture
def raw(personas: Personas) -> Report:
    quarterly_records(personas)
    return build_report(user=personas.admin, filters=Q1, unsuppressed=True)


def test_quarters_are_financial_quarters() -> None:
    assert quarter_bounds(2025, 1) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert quarter_bounds(2025, 4) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    with pytest.raises(ValueError):
        quarter_bounds(2025, 5)


def test_referrals_are_counted_by_month_source_practice_and_reason(raw: Report) -> None:
    months = _by(_rows(raw, "referrals-by-month-source"), "month")
    assert list(months) == ["Apr 2025", "May 2025", "Jun 2025", "Total"]
    assert months["May 2025"]["gp_practice"] == 9
    assert months["Jun 2025"]["self"] == 3
    assert months["Total"]["total"] == 12  # the March referral is outside the quarter
    practices = _by(_rows(raw, "referrals-by-practice"), "practice")
    assert practices["Caxton Surgery"]["referrals"] == 9
    assert practices["Not recorded"]["referrals"] == 3
    assert _by(_rows(raw, "referral-reasons"), "reason")["Total (reasons)"]["referrals"] == 12


def test_waiting_times_people_seen_and_attendance(raw: Report) -> None:
    waits = _by(_rows(raw, "waiting-times"), "measure")
    assert waits["First contact"]["n"] == 9
    assert waits["First contact"]["median"] == 3.0
    assert waits["First contact"]["waiting"] == 3
    assert waits["Wellbeing review"]["median"] == 10.0
    seen = _by(_rows(raw, "people-seen"), "service")
    assert seen["Shropshire Social Prescribing"]["people"] == 9
    appts = _by(_rows(raw, "appointment-attendance"), "kind")
    assert appts["Wellbeing review"]["attended"] == 9
    sessions = _by(_rows(raw, "provider-attendance"), "provider")
    assert sessions["Oswestry Men's Shed provider"]["attended"] == 9


def test_connections_by_provider_and_category(raw: Report) -> None:
    provider = _by(_rows(raw, "connections-by-provider"), "provider")[
        "Oswestry Men's Shed provider"
    ]
    assert (provider["signpost"], provider["referral"], provider["total"]) == (1, 9, 10)
    categories = _by(_rows(raw, "connections-by-category"), "category")
    # The shed is listed under Physical activity first: each connection counts once, there.
    assert categories["Physical activity"]["connections"] == 10
    assert categories["Social groups"]["connections"] == 0
    assert categories["Total"]["connections"] == 10


def test_connections_by_category_use_one_vocabulary_and_add_up_to_the_total(
    personas: Personas,
) -> None:
    taxonomy_seed()

    def term(taxonomy: str, code: str) -> TaxonomyTerm:
        return TaxonomyTerm.objects.get(uuid=term_uuid(taxonomy, code))

    # Services carry terms of five taxonomies; only the Linkwell categories count, each term
    # under its top-level category, and a service under its first listed category only.
    shed = make_service("Shed")
    for taxonomy, code in [
        (CATEGORIES, "mens-sheds"),  # Social connection
        (CATEGORIES, "arts-and-crafts"),  # Creativity and learning: listed second
        (NEEDS, "loneliness"),
        (FIVE_WAYS, "connect"),
        (ASSET_KIND, "community"),
    ]:
        tag(shed, term(taxonomy, code))
    walk = make_service("Walk")
    tag(walk, term(ACTIVITY_TYPES, "walking"))
    tag(walk, term(CATEGORIES, "walking-groups"))  # Physical activity
    advice = make_service("Advice")
    tag(advice, term(NEEDS, "money"))  # a need is not a category
    plain = make_service("Plain")
    for service, n in [(shed, 9), (walk, 8), (advice, 2), (plain, 1)]:
        for _ in range(n):
            j = journey(service=personas.link_worker_service, received=MAY)
            connect(j, service, status=ConnectionStatus.ACCEPTED, sent=at(MAY))
    report = build_report(
        user=personas.admin, filters=ReportFilter(), unsuppressed=True, sections=["connections"]
    )
    rows = _rows(report, "connections-by-category")
    top_level = sorted(
        (name for _, code, name in shipped_terms(CATEGORIES) if code in _TOP_LEVEL),
        key=str.lower,
    )
    assert [r["category"] for r in rows] == [*top_level, "Not categorised", "Total"]
    counts = {r["category"]: r["connections"] for r in rows}
    assert counts["Social connection"] == 9
    assert counts["Physical activity"] == 8
    assert counts["Creativity and learning"] == 0
    assert counts["Not categorised"] == 3
    assert sum(r["connections"] for r in rows[:-1]) == counts["Total"] == 20
    published = build_report(user=personas.admin, filters=ReportFilter(), sections=["connections"])
    assert (
        _by(_rows(published, "connections-by-category"), "category")["Total"]["connections"] == 20
    )


def test_outcomes_goals_gaps_and_providers(raw: Report) -> None:
    phq9 = _by(_rows(raw, "outcomes"), "label")["PHQ-9"]
    assert phq9["n"] == "9"
    assert phq9["mean_baseline"] == "16.0"
    assert phq9["pct_improved"] == "100.0"
    goals = _by(_rows(raw, "goals"), "service")["Shropshire Social Prescribing"]
    assert (goals["achieved"], goals["in_progress"], goals["total"]) == (6, 3, 9)
    assert _by(_rows(raw, "provision-gaps"), "need")["Loneliness"]["gaps"] == 1
    shed = _by(_rows(raw, "provider-performance"), "name")["Oswestry Men's Shed provider"]
    assert shed["sent"] == "9"
    assert shed["acceptance_rate"] == "100.0"


def test_only_consented_stories_are_published_and_they_are_de_identified(
    raw: Report, personas: Personas
) -> None:
    stories = next(s for s in raw.sections if s.id == "stories").stories
    assert [s.title for s in stories] == ["Back to the allotment"]
    assert stories[0].text == "the person joined the shed. Call [removed]."


def test_deidentify_removes_names_and_identifiers() -> None:
    text = "Alex Smith (NHS 943 476 5919, SY11 1AA, alex@example.com) met Alexandra on 3/4/2025."
    out = deidentify(text, names=["Alex", "Smith", ""])
    assert "Alex " not in out and "Smith" not in out and "943" not in out
    assert "SY11" not in out and "example.com" not in out and "3/4/2025" not in out
    assert "Alexandra" in out  # whole names only


def test_every_published_count_is_suppressed_or_rounded(personas: Personas) -> None:
    quarterly_records(personas)
    report = build_report(user=personas.admin, filters=Q1)
    months = _by(_rows(report, "referrals-by-month-source"), "month")
    # 9 and 3 in a 2x2 block: both hidden, and secondary suppression hides their totals too.
    assert months["May 2025"]["gp_practice"] == SUPPRESSED
    assert months["Jun 2025"]["self"] == SUPPRESSED
    assert months["Total"]["total"] == 10  # 12 rounded to 5
    assert (
        _by(_rows(report, "referrals-by-practice"), "practice")["Caxton Surgery"]["referrals"]
        == SUPPRESSED
    )
    provider = _by(_rows(report, "connections-by-provider"), "provider")[
        "Oswestry Men's Shed provider"
    ]
    assert provider["signpost"] == SUPPRESSED and provider["referral"] == SUPPRESSED
    assert _by(_rows(report, "provision-gaps"), "need")["Loneliness"]["gaps"] == SUPPRESSED
    waits = _by(_rows(report, "waiting-times"), "measure")
    assert waits["First contact"]["n"] == 10 and waits["First contact"]["waiting"] == SUPPRESSED
    checked = 0
    for table in report.tables():
        numeric = [c.key for c in table.columns if c.numeric]
        for row in table.rows:
            for key in numeric:
                text = str(row.get(key)).replace(",", "")
                if text.isdigit():  # a count (means, rates and money have a point or a sign)
                    n = int(text)
                    assert not 1 <= n <= 7, (table.id, row)
                    assert n % 5 == 0, (table.id, row)
                    checked += 1
    assert checked > 50


def test_means_over_fewer_than_eight_people_are_withheld(personas: Personas) -> None:
    quarterly_records(personas)
    june = ReportFilter(start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31))
    report = build_report(user=personas.admin, filters=june)
    assert _by(_rows(report, "waiting-times"), "measure")["First contact"]["median"] == 3.0
    only_three = ReportFilter(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))
    report = build_report(user=personas.admin, filters=only_three)
    waits = _by(_rows(report, "waiting-times"), "measure")["First contact"]
    assert waits["n"] == 0 and waits["median"] is None and waits["waiting"] == SUPPRESSED


def test_a_team_manager_sees_only_their_own_services(personas: Personas) -> None:
    quarterly_records(personas)
    from linkwell.evidence.tests.factories import journey

    for _ in range(8):
        journey(service=personas.other_team, received=dt.date(2025, 5, 5))
    mine = build_report(user=personas.team_manager, filters=Q1, unsuppressed=True)
    everyone = build_report(user=personas.admin, filters=Q1, unsuppressed=True)
    assert _by(_rows(mine, "referrals-by-month-source"), "month")["Total"]["total"] == 12
    assert _by(_rows(everyone, "referrals-by-month-source"), "month")["Total"]["total"] == 20


def test_the_pdf_fits_a_long_chart_on_a_page() -> None:
    from linkwell.reports.pdf import report_pdf
    from linkwell.reports.quarterly.structure import Chart, Column, Section, Table

    rows: list[dict[str, Any]] = [{"practice": f"Practice {i}", "n": 10 + 5 * i} for i in range(25)]
    table = Table(
        id="t",
        title="Referrals by practice",
        columns=[Column("practice", "Practice", numeric=False), Column("n", "Referrals")],
        rows=rows,
        chart=Chart("barh", "practice", ("n",)),
    )
    report = Report(
        "Quarterly",
        "1 Apr 2025 to 30 Jun 2025",
        "area X",
        False,
        [Section("s", "S", tables=[table])],
    )
    assert report_pdf(report).startswith(b"%PDF-")  # raised LayoutError before the fit
