from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.personas import make_user


@pytest.mark.parametrize(
    "persona",
    ["owner", "teammate", "read_only", "outsider", "link_worker", "team_manager", "admin"],
)
def test_every_signed_in_persona_sees_their_roles_and_their_account_link(
    client, personas, persona
) -> None:
    user = getattr(personas, persona)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert reverse("accounts:account") in page
    for m in user.memberships.all():
        assert m.get_role_display() in page


def test_the_read_only_member_is_told_so(client, personas) -> None:
    client.force_login(personas.read_only)
    assert "(read only)" in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, db) -> None:
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("cases", [1, 15])
def test_the_home_page_takes_a_fixed_number_of_queries(
    client, personas, cases, django_assert_max_num_queries
) -> None:
    from linkwell.casework.tests.factories import case_for

    for _ in range(cases):
        case_for(personas)
    client.force_login(personas.link_worker)
    client.get("/")
    # Session, user, the two-factor check, the menu, the memberships, the cards, and the work
    # today (team memberships, caseload figures, triage queues): not per case.
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200


def _work_today(page: str) -> str:
    start = page.index('data-testid="work-today"')
    return page[start : page.index("</ul>", start)]


def test_a_link_worker_sees_their_work_today_each_figure_a_link_to_its_list(
    client, personas
) -> None:
    import datetime as dt

    from django.utils import timezone

    from linkwell.casework.models import CaseStatus
    from linkwell.casework.tests.factories import case_for
    from linkwell.people.models import Person
    from linkwell.referrals.models import Referral, ReferralSource, ReferralStatus

    today = timezone.localdate()
    case_for(personas, status=CaseStatus.NEW)
    case_for(personas, status=CaseStatus.CONTACTED, next_contact_due=today)
    case_for(personas, status=CaseStatus.CONTACTED, next_contact_due=today - dt.timedelta(days=3))
    case_for(personas, worker=personas.link_worker_teammate, status=CaseStatus.NEW)
    for n in range(2):
        Referral.objects.create(
            person=Person.objects.create(
                given_name=f"Waiting{n}", family_name="Smith", date_of_birth=dt.date(1950, 1, 1)
            ),
            link_worker_service=personas.link_worker_service,
            source=ReferralSource.GP_PRACTICE,
            status=ReferralStatus.RECEIVED,
            received_at=timezone.now(),
        )
    client.force_login(personas.link_worker)
    card = _work_today(client.get("/").content.decode())
    team = personas.link_worker_service.uuid
    assert f'href="/triage/?team={team}">2 referrals waiting in triage</a>' in card
    assert 'href="/caseload/?due=today">2 people to contact today</a>' in card
    assert 'href="/caseload/?due=overdue">1 overdue</a>' in card
    assert 'href="/caseload/?status=new">1 new case</a>' in card
    assert 'href="/caseload/">All 3 open cases on your caseload</a>' in card
    # The same figures as the caseload page's header.
    caseload = client.get("/caseload/").content.decode()
    assert 'href="/caseload/?due=today">2 to contact today</a>' in caseload
    # A colleague sees their own caseload, and the same triage queue.
    client.force_login(personas.link_worker_teammate)
    card = _work_today(client.get("/").content.decode())
    assert "1 new case</a>" in card and "All 1 open case on your caseload" in card
    assert "2 referrals waiting in triage" in card


@pytest.mark.parametrize("persona", ["owner", "outsider", "commissioner", "referrer"])
def test_people_without_a_caseload_see_no_work_today(client, personas, persona) -> None:
    client.force_login(getattr(personas, persona))
    page = client.get("/").content.decode()
    assert 'data-testid="work-today"' not in page
    assert "waiting in triage" not in page


@pytest.mark.django_db
def test_someone_with_no_role_yet_is_offered_only_what_they_can_open(client) -> None:
    """A new account with no role (or a role since ended) is not sent to the staff directory,
    which needs one; every link on their home page opens."""
    client.force_login(make_user("new@example.org", None, None))
    html = client.get("/").content.decode()
    assert "You have no roles yet" in html
    assert f'href="{reverse("directory:search")}"' not in html
    assert f'href="{reverse("public:search")}"' in html
    main = html.split('id="maincontent"', 1)[1]
    for link in set(re.findall(r'href="(/[^"]*)"', main)):
        assert client.get(link, follow=True).status_code == 200, link
