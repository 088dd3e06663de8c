"""`linkwell befriend match`: rank volunteers (befrienders, telephone befrienders, connectors, peer
supporters) for one person or many. Reads files only; never touches the application database.

    linkwell befriend match --volunteers volunteers.jsonl --person edith.json [--top 5] [--at 2026-12-01]
    linkwell befriend match --volunteers volunteers.jsonl --people people.jsonl

Volunteers: one volunteer-profile JSON a line (linkwell/volunteering/schemas/). People: the
person-profile contract (linkwell/matching/schemas/), whose optional `volunteer_preferences` say
what support is wanted. Output (stdout, JSON): for --person a list, best first, of
{"volunteer_id", "score", "reasons"}; for --people one line per person, in input order,
{"id", "results": [...]}. A volunteer who breaks a hard constraint (linkwell/volunteering/ENGINE.md)
never appears. Deterministic for the same input and --at (default: today; DBS checks lapse
LINKWELL_DBS_RENEWAL_YEARS after they were done). Bad input exits non-zero with a message naming
the file, line and field, and prints nothing on stdout. Without the sentence-embedding model it
refuses and says how to install it, unless told --words-only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linkwell.core.exceptions import LinkwellError
from linkwell.matching import embedding
from linkwell.matching.management.commands.match import (
    parse_top,
    read_people,
    read_person,
    read_text,
)
from linkwell.matching.profile import Profile, profile_from_json
from linkwell.volunteering.engine import DBS_RENEWAL_YEARS, VolunteerMatcher, VolunteerSuggestion
from linkwell.volunteering.profile import (
    SupportWanted,
    VolunteerProfile,
    load_volunteers,
    support_wanted_from_json,
)

HELP = __doc__


def parse_at(value: str) -> dt.date:
    """An ISO date (a date-time is cut to its date)."""
    raw = value.strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(raw).date()
    except ValueError:
        raise CommandError(f"--at: {value!r} is not an ISO date like 2026-12-01") from None


def _person(data: object) -> tuple[Profile, SupportWanted]:
    profile = profile_from_json(data)
    return profile, support_wanted_from_json(data)


def read_volunteers(path: str) -> list[VolunteerProfile]:
    raw = read_text(path, "--volunteers")
    try:
        volunteers = load_volunteers(raw.splitlines())
    except LinkwellError as exc:
        raise CommandError(f"--volunteers {path}: {exc}") from None
    if not volunteers:
        raise CommandError(
            f"--volunteers {path}: no volunteers in the file (one JSON object a line)"
        )
    return volunteers


def result_json(suggestions: list[VolunteerSuggestion]) -> list[dict[str, Any]]:
    return [
        {"volunteer_id": s.volunteer_id, "score": s.score, "reasons": list(s.reasons)}
        for s in suggestions
    ]


class Command(BaseCommand):
    help = "Rank volunteers (befrienders, connectors, peer supporters) for a person (or people)."
    # Matching reads files only: skip the system checks (they may consult the database).
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = HELP
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="match")
        match = actions.add_parser(
            "match",
            help="Rank volunteers for --person P.json or --people P.jsonl.",
            description=HELP,
        )
        match.add_argument(
            "--volunteers", required=True, metavar="FILE", help="One volunteer profile a line."
        )
        who = match.add_mutually_exclusive_group(required=True)
        who.add_argument("--person", metavar="PERSON.json", help="One person profile ('-': stdin).")
        who.add_argument("--people", metavar="PEOPLE.jsonl", help="One person profile a line.")
        match.add_argument("--top", default="5", metavar="N", help="How many (default 5).")
        match.add_argument(
            "--at", metavar="ISO-DATE", help="Check DBS renewals as of this date (default today)."
        )
        match.add_argument(
            "--words-only",
            action="store_true",
            help="Rank without the sentence-embedding model (by words alone: lower quality). "
            "Without this option, a missing model is an error saying how to install it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        top = parse_top(options["top"])
        at = parse_at(options["at"]) if options["at"] else timezone.localdate()
        people = (
            [read_person(options["person"], _person)]
            if options["person"]
            else read_people(options["people"], _person)
        )
        volunteers = read_volunteers(options["volunteers"])
        if options["words_only"]:
            encoder = None
        else:
            try:
                encoder = embedding.require_encoder()
            except embedding.ModelNotInstalled as exc:
                raise CommandError(f"{exc}; or pass --words-only to rank without it") from None
        renewal = getattr(settings, "LINKWELL_DBS_RENEWAL_YEARS", DBS_RENEWAL_YEARS)
        matcher = VolunteerMatcher(volunteers, encoder=encoder)
        lines = []
        for profile, wanted in people:
            results = result_json(
                matcher.rank(profile, wanted, top=top, at=at, dbs_renewal_years=renewal)
            )
            if options["person"]:
                lines.append(json.dumps(results, ensure_ascii=False, indent=2))
            else:
                lines.append(json.dumps({"id": profile.id, "results": results}, ensure_ascii=False))
        self.stdout.write("\n".join(lines))
