"""The caseload's search, filters, sort and pages (/caseload/?q=...&status=...&page=...)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.casework.models import (
    Case,
    CaseReferral,
    CaseStatus,
    Complexity,
    FollowUp,
    FollowUpKind,
    SafeguardingConcern,
    Urgency,
    WellbeingReview,
)
from linkwell.casework.selectors.case_search import person_search_q
from linkwell.casework.tests.factories import case_for, make_person
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralSource, ReferralStatus
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

CASELOAD = "/caseload/"


def _client(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _today() -> dt.date:
    return timezone.localdate()


def _names(html: str) -> list[str]:
    """The people listed in the table, in order."""
    table = html.split('<tbody class="nhsuk-table__body">', 1)[-1].split("</tbody>", 1)[0]
    return [unescape(name) for name in re.findall(r'/cases/[0-9a-f-]+/">([^<]+)</a>', table)]


def _get(user: User, query: str = "") -> tuple[int, str]:
    response = _client(user).get(f"{CASELOAD}?{query}" if query else CASELOAD)
    return response.status_code, response.content.decode()


def _listed(personas: Personas, query: str, user: User | None = None) -> list[str]:
    status, html = _get(user or personas.link_worker, query)
    assert status == 200
    return _names(html)


def _refer(case: Case, *, days_ago: int, **fields: Any) -> Referral:
    referral = Referral.objects.create(
        person=case.person,
        link_worker_service=case.link_worker_service,
        source=ReferralSource.GP_PRACTICE,
        status=ReferralStatus.ACCEPTED,
        received_at=timezone.now() - dt.timedelta(days=days_ago),
        **fields,
    )
    CaseReferral.objects.create(case=case, referral=referral)
    return referral


def _person(given: str, family: str, **fields: Any) -> Person:
    return make_person(given_name=given, family_name=family, **fields)


# --- search ------------------------------------------------------------------------------------


def test_a_search_finds_part_of_a_given_family_or_preferred_name_whatever_the_case_and_accents(
    personas: Personas,
) -> None:
    case_for(personas, person=_person("Zoë", "O'Brien"))
    case_for(personas, person=_person("Margaret", "Hughes", preferred_name="Peggy"))
    case_for(personas, person=_person("Anne-Marie", "Łukasiewicz"))
    case_for(personas, person=_person("Sean", "Davies"))

    assert _listed(personas, "q=zoe") == ["Zoë O'Brien"]
    assert _listed(personas, "q=ZOË") == ["Zoë O'Brien"]
    assert _listed(personas, "q=obri") == ["Zoë O'Brien"]
    assert _listed(personas, "q=o%27brien") == ["Zoë O'Brien"]
    assert _listed(personas, "q=pegg") == ["Peggy Hughes"]
    assert _listed(personas, "q=margaret+hughes") == ["Peggy Hughes"]
    assert _listed(personas, "q=anne+marie") == ["Anne-Marie Łukasiewicz"]
    assert _listed(personas, "q=lukasiewicz") == ["Anne-Marie Łukasiewicz"]
    # Every word has to be found; a word never runs across two names.
    assert _listed(personas, "q=sean+hughes") == []
    assert _listed(personas, "q=seandavies") == []


def test_a_search_finds_an_nhs_number_typed_with_or_without_spaces(personas: Personas) -> None:
    case_for(personas, person=_person("Nina", "Number", nhs_number="9434765919"))
    case_for(personas, person=_person("Other", "Person", nhs_number="4010232137"))
    assert _listed(personas, "q=9434765919") == ["Nina Number"]
    assert _listed(personas, "q=943+476+5919") == ["Nina Number"]
    assert _listed(personas, "q=+943-476-5919+") == ["Nina Number"]
    assert _listed(personas, "q=94347") == ["Nina Number"]
    assert _listed(personas, "q=1111111111") == []


def test_the_search_in_sql_folds_names_as_the_duplicate_check_does(personas: Personas) -> None:
    zoe = _person("Zoë", "Ñúñez-Smith")
    _person("Zoe", "Jones")
    found = Person.objects.filter(person_search_q("ZOE nunezsmith", prefix=""))
    assert list(found) == [zoe]
    assert Person.objects.filter(person_search_q("   ", prefix="")).count() == 2


# --- filters -----------------------------------------------------------------------------------


def test_the_caseload_filters_by_status_and_complexity(personas: Personas) -> None:
    case_for(personas, person=_person("Nell", "New"))
    case_for(
        personas,
        person=_person("Annie", "Active"),
        status=CaseStatus.ACTIVE,
        complexity=Complexity.COMPLEX,
    )
    case_for(
        personas,
        person=_person("Sam", "Simple"),
        status=CaseStatus.ACTIVE,
        complexity=Complexity.SIMPLE,
    )
    assert _listed(personas, "status=new") == ["Nell New"]
    assert set(_listed(personas, "status=active")) == {"Annie Active", "Sam Simple"}
    assert _listed(personas, "complexity=complex") == ["Annie Active"]
    assert _listed(personas, "complexity=none") == ["Nell New"]
    assert _listed(personas, "status=active&complexity=simple") == ["Sam Simple"]


def test_the_caseload_filters_by_the_person_s_registered_practice(personas: Personas) -> None:
    other = Organisation.objects.create(
        name="Plas Ffynnon Surgery", kind=OrganisationKind.GP_PRACTICE, area=personas.area
    )
    case_for(personas, person=_person("Cath", "Caxton", registered_practice=personas.practice))
    case_for(personas, person=_person("Fion", "Ffynnon", registered_practice=other))
    case_for(personas, person=_person("Nobby", "Nowhere"))
    _, html = _get(personas.link_worker)
    # The practices offered are those of the people on the caseload, then "Not recorded".
    assert "Caxton Surgery" in html and "Plas Ffynnon Surgery" in html
    assert _listed(personas, f"practice={personas.practice.uuid}") == ["Cath Caxton"]
    assert _listed(personas, f"practice={other.uuid}") == ["Fion Ffynnon"]
    assert _listed(personas, "practice=none") == ["Nobby Nowhere"]


def test_the_caseload_filters_by_flag(personas: Personas) -> None:
    referred = case_for(personas, person=_person("Sally", "Safeguarding"))
    _refer(referred, days_ago=2, safeguarding_concern=True)
    concern = case_for(personas, person=_person("Connie", "Concern"))
    SafeguardingConcern.objects.create(case=concern, description="x", lead=personas.team_manager)
    resolved = case_for(personas, person=_person("Rita", "Resolved"))
    SafeguardingConcern.objects.create(
        case=resolved, description="x", lead=personas.team_manager, resolved_at=timezone.now()
    )
    urgent = case_for(personas, person=_person("Una", "Urgent"))
    _refer(urgent, days_ago=1, urgency=Urgency.URGENT)
    case_for(personas, person=_person("Ivan", "Interpreter", interpreter_needed=True))
    case_for(personas, person=_person("Nadia", "Nopostcode", postcode=""))
    case_for(personas, person=_person("Unwin", "Unknown", postcode="ZZ99 9ZZ"))

    assert set(_listed(personas, "flag=safeguarding")) == {"Sally Safeguarding", "Connie Concern"}
    assert _listed(personas, "flag=urgent") == ["Una Urgent"]
    assert _listed(personas, "flag=interpreter") == ["Ivan Interpreter"]
    assert set(_listed(personas, "flag=postcode")) == {"Nadia Nopostcode", "Unwin Unknown"}
    html = _get(personas.link_worker, "flag=postcode")[1]
    assert "No postcode</strong>" in html and "Postcode not found</strong>" in html


def test_the_caseload_filters_by_what_is_due(personas: Personas) -> None:
    today = _today()
    case_for(
        personas,
        person=_person("Tod", "Today"),
        status=CaseStatus.CONTACTED,
        next_contact_due=today,
    )
    late = case_for(personas, person=_person("Olive", "Overdue"), status=CaseStatus.ACTIVE)
    FollowUp.objects.create(
        case=late, kind=FollowUpKind.REVIEW_4_WEEKS, due_on=today - dt.timedelta(days=3)
    )
    case_for(
        personas,
        person=_person("Wendy", "Week"),
        status=CaseStatus.CONTACTED,
        next_contact_due=today + dt.timedelta(days=5),
    )
    case_for(
        personas,
        person=_person("Larry", "Later"),
        status=CaseStatus.CONTACTED,
        next_contact_due=today + dt.timedelta(days=30),
    )
    measured = case_for(personas, person=_person("Mo", "Measures"), status=CaseStatus.ACTIVE)
    WellbeingReview.objects.create(case=measured, held_on=today, what_matters="x")

    assert set(_listed(personas, "due=today")) == {"Tod Today", "Olive Overdue"}
    assert _listed(personas, "due=overdue") == ["Olive Overdue"]
    assert set(_listed(personas, "due=week")) == {"Tod Today", "Olive Overdue", "Wendy Week"}
    # Offered by the outcomes app: the baseline measures are due at the first review.
    assert _listed(personas, "due=measures") == ["Mo Measures"]
    assert _listed(personas, "due=measures&status=new") == []
    # The figures above the list link to the same filters.
    html = _get(personas.link_worker)[1]
    assert 'href="/caseload/?due=today">2 to contact today</a>' in html
    assert 'href="/caseload/?due=overdue">1 overdue</a>' in html
    assert 'href="/caseload/?status=new">0 new</a>' in html


# --- sort and pages ----------------------------------------------------------------------------


def test_the_caseload_sorts_by_urgency_waiting_next_contact_or_name(personas: Personas) -> None:
    today = _today()
    urgent = case_for(personas, person=_person("Amy", "Zeal"))
    _refer(urgent, days_ago=1, urgency=Urgency.URGENT)
    long_wait = case_for(personas, person=_person("Bob", "Young"))
    _refer(long_wait, days_ago=40, urgency=Urgency.ROUTINE)
    due = case_for(
        personas,
        person=_person("Cat", "Xavier"),
        status=CaseStatus.CONTACTED,
        next_contact_due=today,
        first_contact_at=timezone.now(),
    )
    _refer(due, days_ago=3, urgency=Urgency.ROUTINE)
    soon = case_for(
        personas,
        person=_person("Dan", "Abbott"),
        status=CaseStatus.CONTACTED,
        next_contact_due=today + dt.timedelta(days=2),
        first_contact_at=timezone.now(),
    )
    _refer(soon, days_ago=10, urgency=Urgency.SOON)

    # Today's default: contact due first, then urgency, then the longest wait.
    assert _listed(personas, "") == ["Cat Xavier", "Amy Zeal", "Dan Abbott", "Bob Young"]
    assert _listed(personas, "sort=urgent") == _listed(personas, "")
    # Those still waiting for a first contact first, the longest wait first.
    assert _listed(personas, "sort=waiting") == [
        "Bob Young",
        "Amy Zeal",
        "Dan Abbott",
        "Cat Xavier",
    ]
    # The soonest contact first; nothing due comes last.
    assert _listed(personas, "sort=next")[:2] == ["Cat Xavier", "Dan Abbott"]
    assert _listed(personas, "sort=name") == ["Dan Abbott", "Cat Xavier", "Bob Young", "Amy Zeal"]


def _many(personas: Personas, count: int, **fields: Any) -> list[Case]:
    return [
        case_for(personas, person=_person(f"Person{n:03d}", f"Family{n:03d}"), **fields)
        for n in range(count)
    ]


def test_the_caseload_shows_25_cases_a_page_with_page_links_that_keep_the_filters(
    personas: Personas,
) -> None:
    _many(personas, 60, status=CaseStatus.ACTIVE)
    case_for(personas, person=_person("Nell", "New"))

    status, html = _get(personas.link_worker, "sort=name")
    assert status == 200
    assert len(_names(html)) == 25
    assert "Showing 1\N{EN DASH}25 of 61 cases" in html
    assert 'aria-current="page">1</a>' in html
    assert 'href="?sort=name&amp;page=2" class="nhsuk-pagination__next"' in html

    _, html = _get(personas.link_worker, "status=active&sort=name&page=2")
    assert _names(html)[0] == "Person025 Family025"
    assert "Showing 26\N{EN DASH}50 of 60 cases (filtered from 61 open cases)" in html
    assert 'href="?status=active&amp;sort=name&amp;page=1"' in html
    assert 'href="?status=active&amp;sort=name&amp;page=3"' in html
    # The form shows what is applied.
    assert '<option value="active" selected>' in html
    assert '<option value="name" selected>' in html

    assert _names(_get(personas.link_worker, "status=active&sort=name&page=3")[1]) == [
        f"Person{n:03d} Family{n:03d}" for n in range(50, 60)
    ]


@pytest.mark.parametrize(
    ("query", "first_shown"),
    [
        ("page=9999", "Showing 51\N{EN DASH}60 of 60"),
        ("page=abc", "Showing 1\N{EN DASH}25"),
        ("page=-1", "51\N{EN DASH}60"),
    ],
)
def test_a_page_past_the_end_or_not_a_number_shows_a_page_that_exists(
    personas: Personas, query: str, first_shown: str
) -> None:
    _many(personas, 60)
    status, html = _get(personas.link_worker, query)
    assert status == 200
    assert first_shown in html


def test_values_that_are_not_among_the_choices_are_ignored_and_named(personas: Personas) -> None:
    case_for(personas, person=_person("Nell", "New"))
    case_for(personas, person=_person("Annie", "Active"), status=CaseStatus.ACTIVE)
    elsewhere = Organisation.objects.create(
        name="Far Away Surgery", kind=OrganisationKind.GP_PRACTICE, area=personas.area
    )
    status, html = _get(
        personas.link_worker,
        f"status=bogus&due=soonish&sort=random&flag=new&practice={elsewhere.uuid}"
        "&complexity=<script>&status=active",
    )
    assert status == 200
    # The last of a repeated parameter counts: status=active applies.
    assert _names(html) == ["Annie Active"]
    assert "We ignored the due “soonish”" in html
    assert "the sort by “random”" in html and "the flag “new”" in html
    assert "the GP practice" in html and "the complexity “&lt;script&gt;”" in html
    assert "<script>" not in html.split("<main", 1)[1]
    assert '<option value="" selected>Any complexity</option>' in html


def test_an_empty_result_says_which_search_or_filters_to_remove(personas: Personas) -> None:
    case_for(personas, person=_person("Nell", "New"))
    status, html = _get(personas.link_worker, "q=nobody&status=new&flag=urgent&sort=name")
    assert status == 200 and _names(html) == []
    assert "No open cases match your search and filters together" in html
    assert 'href="/caseload/?status=new&amp;flag=urgent&amp;sort=name">the search “nobody”' in html
    assert 'href="/caseload/?q=nobody&amp;flag=urgent&amp;sort=name">status: New' in html
    assert 'href="/caseload/?q=nobody&amp;status=new&amp;sort=name">flag: Urgent' in html
    assert 'href="/caseload/" data-testid="clear-filters">Clear filters</a>' in html
    # Without filters, an empty caseload says just that.
    assert "No open cases." in _get(personas.link_worker_teammate)[1]


# --- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "found"),
    [
        ("link_worker", ["Private Patient"]),
        ("link_worker_teammate", []),  # their own caseload: not ours
        ("read_only_link_worker", []),
        ("other_team_link_worker", []),
    ],
)
def test_a_search_finds_only_cases_on_the_caseload_being_viewed(
    personas: Personas, persona: str, found: list[str]
) -> None:
    case_for(personas, person=_person("Private", "Patient", nhs_number="9434765919"))
    user = getattr(personas, persona)
    assert _listed(personas, "q=private", user) == found
    assert _listed(personas, "q=9434765919", user) == found


def test_a_manager_filtering_a_worker_s_caseload_keeps_the_worker_in_every_link(
    personas: Personas,
) -> None:
    _many(personas, 30, status=CaseStatus.ACTIVE)
    worker = personas.link_worker.uuid
    status, html = _get(personas.team_manager, f"worker={worker}&status=active")
    assert status == 200 and len(_names(html)) == 25
    assert f'<input type="hidden" name="worker" value="{worker}">' in html
    assert f'href="?worker={worker}&amp;status=active&amp;page=2"' in html
    assert f'href="/caseload/?worker={worker}" data-testid="clear-filters"' in html
    assert f'href="/caseload/?worker={worker}&amp;status=new"' in html
    # A teammate cannot reach the caseload with filters either.
    assert _get(personas.link_worker_teammate, f"worker={worker}&status=active")[0] == 404


@pytest.mark.parametrize(("persona", "status"), [("commissioner", 403), ("owner", 403)])
def test_people_without_a_caseload_cannot_search_one(
    personas: Personas, persona: str, status: int
) -> None:
    assert _get(getattr(personas, persona), "q=a&status=new")[0] == status


def test_anonymous_searching_the_caseload_is_sent_to_sign_in(personas: Personas) -> None:
    response = Client().get(f"{CASELOAD}?q=private")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_cases_on_the_page_are_logged_as_accessed(personas: Personas) -> None:
    from linkwell.audit.models import AuditEvent

    cases = _many(personas, 30)
    _get(personas.link_worker, "sort=name")
    logged = set(
        AuditEvent.objects.filter(detail__list="caseload").values_list("person_id", flat=True)
    )
    assert logged == {str(case.person.uuid) for case in cases[:25]}


# --- queries -----------------------------------------------------------------------------------


def _busy(personas: Personas, n: int) -> None:
    case = case_for(
        personas,
        person=_person(f"Busy{n}", "Person", interpreter_needed=bool(n % 2)),
        status=CaseStatus.ACTIVE,
        next_contact_due=_today(),
        complexity=Complexity.MODERATE,
    )
    _refer(case, days_ago=n % 20, urgency=Urgency.URGENT, safeguarding_concern=True)
    FollowUp.objects.create(
        case=case, kind=FollowUpKind.REVIEW_4_WEEKS, due_on=_today() - dt.timedelta(days=2)
    )
    WellbeingReview.objects.create(case=case, held_on=_today(), what_matters="x")


# The page's queries: 16 (tests/test_caseload_views.py), plus those of the filters that read
# something first: the postcode flag (the caseload's distinct postcodes) and measures due
# (the outcomes app's four).
@pytest.mark.parametrize(
    ("query", "budget"),
    [
        ("q=busy+person&sort=name&page=2", 16),
        ("q=9434&sort=waiting", 16),
        ("status=active&complexity=moderate&practice=none&sort=next&page=2", 16),
        ("due=overdue&flag=safeguarding", 16),
        ("due=week&flag=interpreter&page=9999", 16),
        ("flag=postcode&due=today", 17),
        ("due=measures&flag=urgent&sort=waiting", 20),
    ],
)
def test_a_filtered_sorted_page_takes_a_fixed_number_of_queries(
    personas: Personas,
    query: str,
    budget: int,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = _client(personas.link_worker)
    counts = []
    for size in (5, 40):
        while Case.objects.count() < size:
            _busy(personas, Case.objects.count())
        client.get(f"{CASELOAD}?{query}")  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{CASELOAD}?{query}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= budget, counts
