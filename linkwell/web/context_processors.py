from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from linkwell.accounts.models import Membership, OrganisationKind, Role
from linkwell.grants.selectors.rounds import grant_panel_rounds
from linkwell.timebank.access import my_members as my_timebank_members
from linkwell.volunteering.access import volunteer_members


def linkwell(request: HttpRequest) -> dict[str, Any]:
    """The header menu: what this user's roles let them reach (visitors: the public pages).

    base.html renders it as NHS.UK frontend's header navigation; items that do not fit the
    screen move into its "More" menu.
    """
    user = request.user
    if not user.is_authenticated:
        return _menu(
            request,
            [
                ("Find groups", reverse("public:search")),
                ("What could help me?", reverse("public:help")),
            ],
        )
    # One query for every role-based item, the audit trail's included (each page renders this
    # menu): the role, the organisation's kind, and whether the membership is read only.
    rows = set(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True
        ).values_list("role", "organisation__kind", "read_only")
    )
    held = {(role, kind) for role, kind, _read_only in rows}
    items = [("Home", reverse("web:home"))]
    if held or user.is_superuser:
        # The staff directory needs a membership (directory/access.py: can_view_directory).
        items.append(("Directory", reverse("directory:search")))
    else:
        # A volunteer or time bank member with no staff role: the public directory.
        items.append(("Find groups", reverse("public:search")))
    roles = {role for role, _kind in held}
    practice_staff = (Role.REFERRER, OrganisationKind.GP_PRACTICE) in held
    if Role.PROVIDER_STAFF in roles:
        items.append(("Your listings", reverse("directory:my_listings")))
        items.append(("Referrals in", reverse("connections:provider_inbox")))
    if Role.REFERRER in roles:
        items.append(("Refer", reverse("referrals:refer")))
        items.append(("Messages back", reverse("casework:messages_back")))
    if practice_staff:
        # People the link-worker team asks the practice to check before inviting them.
        items.append(("Invite lists", reverse("population:practice_invites")))
    if roles & {Role.LINK_WORKER, Role.TEAM_MANAGER}:
        items.append(("Triage", reverse("referrals:triage")))
    if Role.LINK_WORKER in roles:
        items.append(("Caseload", reverse("casework:caseload")))
    if Role.TEAM_MANAGER in roles:
        items.append(("Team", reverse("casework:team")))
        items.append(("Gaps", reverse("connections:gap_list")))
    if roles & {Role.LINK_WORKER, Role.TEAM_MANAGER}:
        # Social prescribing courses their team runs (linkwell/courses/access.py).
        items.append(("Courses", reverse("courses:list")))
    if roles & {Role.COORDINATOR, Role.ADMINISTRATOR}:
        # Volunteer coordinators (linkwell/volunteering/access.py).
        items.append(("Volunteers", reverse("volunteering:home")))
        # Time bank brokers (linkwell/timebank/access.py).
        items.append(("Time bank", reverse("timebank:broker")))
    if roles & {Role.COMMISSIONER, Role.TEAM_MANAGER, Role.ADMINISTRATOR} or user.is_superuser:
        items.append(("Economics", reverse("economics:index")))
        items.append(("Evidence", reverse("evidence:index")))
        # The same people the quarterly report lets in (reports/access.py).
        items.append(("Reports", reverse("reports:quarterly")))
    if roles & {Role.LINK_WORKER, Role.TEAM_MANAGER, Role.ADMINISTRATOR}:
        # Community suggestions waiting for moderation (linkwell/community/access.py); not
        # "Suggestions", which are the matching suggestions for a case.
        items.append(("Community listings to check", reverse("community:moderation")))
    if Role.COORDINATOR in roles:
        items.append(("Volunteers' concerns", reverse("volunteering:concerns")))
    if roles & {Role.TEAM_MANAGER, Role.COORDINATOR, Role.ADMINISTRATOR}:
        # Those who run a team's co-production self-assessment (linkwell/coproduction/access.py);
        # everyone else in the team reaches it from the home page card.
        items.append(("Co-production", reverse("coproduction:index")))
    if roles & {Role.COMMISSIONER, Role.TEAM_MANAGER, Role.ADMINISTRATOR}:
        # Grant programmes they manage, or figures (linkwell/grants/access.py); panel members
        # with another role reach their rounds from the home page's card.
        items.append(("Grants", reverse("grants:home")))
    if practice_staff or roles & {
        Role.LINK_WORKER,
        Role.TEAM_MANAGER,
        Role.COMMISSIONER,
        Role.ADMINISTRATOR,
    }:
        # MDT lists and action plans of the practices they serve or work at, and the programme
        # set-up checklists they manage (linkwell/practice/access.py).
        items.append(("Practices", reverse("practice:home")))
    if not held and grant_panel_rounds(user).exists():
        # A community member on a grants panel, with no staff role (asked only of them).
        items.append(("Grants panel", reverse("grants:home")))
    if not held and volunteer_members(user).exists():
        # A volunteer: no staff role, a community member record. Asked only of people with no
        # role, so staff pages keep their query counts.
        items.append(("My volunteering", reverse("volunteering:my_volunteering")))
    if not held and my_timebank_members(user).exists():
        # A time bank member with no staff role: their own page.
        items.append(("My time bank", reverse("timebank:home")))
    # can_view_audit_trail (accounts/audit_trail.py), read from the rows above: administrators
    # (a superuser, or a writable administrator membership) and team managers.
    if (
        (user.is_active and user.is_superuser)
        or (Role.ADMINISTRATOR, False) in {(role, read_only) for role, _kind, read_only in rows}
        or Role.TEAM_MANAGER in roles
    ):
        items.append(("Audit", reverse("web:audit")))
    return _menu(request, items)


def _menu(request: HttpRequest, items: list[tuple[str, str]]) -> dict[str, Any]:
    # The current item is the one whose URL is the longest prefix of this page's path; the
    # home page ("/", a prefix of every path) only on itself, so a page outside the menu (a
    # case, a 403) marks nothing.
    matches = [
        url
        for _, url in items
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(matches, key=len) if matches else None
    return {
        "linkwell_nav": [
            {"label": label, "url": url, "active": url == current} for label, url in items
        ]
    }
