"""`linkwell match`: rank an Open Referral UK / HSDS 3 directory file for one person or many (the
person-profile contract in `linkwell/matching/schemas/`). Reads files only; never touches the
application database.

    linkwell match --directory services.json --person mike.json [--top 5] [--at 2026-12-01T09:00Z]
    linkwell match --directory services.json --people people.jsonl
    linkwell match ... --cache-dir DIR | --no-cache

The services' vectors are kept in a cache directory ($XDG_CACHE_HOME/linkwell, else
~/.cache/linkwell; --cache-dir to move it, --no-cache to skip it), keyed by the model and a hash
of each service's text, so a second run over the same or a slightly changed file embeds only the
services whose text changed.

Output (stdout, JSON): for --person a list, best first, of {"service_id", "score", "reasons"};
for --people one line per person, in input order, {"id", "results": [...]}. Deterministic for the
same input. Bad input (directory, person, --top, --at) exits non-zero with a message naming the
file, line and field, and prints nothing on stdout. Without the sentence-embedding model it refuses
and says how to install it, unless told --words-only.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.core.exceptions import LinkwellError
from linkwell.core.progress import add_progress_option, progress, step
from linkwell.matching import embedding
from linkwell.matching.documents import load_directory
from linkwell.matching.engine import Matcher, Suggestion
from linkwell.matching.profile import profile_from_json
from linkwell.matching.vectors import FileVectorStore, default_cache_dir

T = TypeVar("T")

HELP = __doc__


def parse_top(value: str) -> int:
    try:
        top = int(value)
    except ValueError:
        raise CommandError(f"--top: {value!r} is not a whole number") from None
    if top < 1:
        raise CommandError(f"--top: {top} must be at least 1")
    return top


def parse_at(value: str) -> dt.datetime:
    """ISO 8601 date or date-time; naive values are taken as UTC."""
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--at: {value!r} is not an ISO date-time like 2026-12-01T09:30:00Z"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def read_text(path: str, what: str) -> str:
    """A file's text (`-`: standard input), or a CommandError naming the option and the path."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{what} {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{what} {path}: cannot be read ({exc})") from None


def read_person(path: str, parse: Callable[[Any], T]) -> T:
    """The one person in the JSON file `path`, read by `parse` (`linkwell befriend match` reads
    the volunteer preferences too)."""
    raw = read_text(path, "--person")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"--person {path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    try:
        return parse(data)
    except LinkwellError as exc:
        raise CommandError(f"--person {path}: {exc}") from None


def read_people(path: str, parse: Callable[[Any], T]) -> list[T]:
    """One person a line of the JSON-lines file `path`, each read by `parse`."""
    people: list[T] = []
    for number, line in enumerate(read_text(path, "--people").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"--people {path}: line {number}: not valid JSON (column {exc.colno}: {exc.msg})"
            ) from None
        try:
            people.append(parse(data))
        except LinkwellError as exc:
            raise CommandError(f"--people {path}: line {number}: {exc}") from None
    if not people:
        raise CommandError(f"--people {path}: no people in the file (one JSON object a line)")
    return people


def result_json(suggestions: list[Suggestion]) -> list[dict[str, Any]]:
    return [
        {"service_id": s.service_id, "score": s.score, "reasons": s.reasons} for s in suggestions
    ]


class Command(BaseCommand):
    help = "Rank an Open Referral UK / HSDS 3 directory file for a person (or people)."
    # Matching reads files only: skip the system checks (they may consult the database).
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = HELP
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            required=True,
            metavar="FILE",
            help="ORUK / HSDS 3 JSON: a list of services, a service_list page, or a file of pages.",
        )
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--person", metavar="PERSON.json", help="One person profile ('-': stdin).")
        who.add_argument("--people", metavar="PEOPLE.jsonl", help="One person profile a line.")
        parser.add_argument("--top", default="10", metavar="N", help="How many (default 10).")
        parser.add_argument(
            "--at", metavar="ISO-DATETIME", help="Rank as of this time (sessions, freshness)."
        )
        add_progress_option(parser)
        cache = parser.add_mutually_exclusive_group()
        cache.add_argument(
            "--cache-dir",
            metavar="DIR",
            help="Keep the services' vectors here, so a later run over the same or a slightly "
            "changed directory embeds only what changed (default: $XDG_CACHE_HOME/linkwell, "
            "else ~/.cache/linkwell).",
        )
        cache.add_argument(
            "--no-cache", action="store_true", help="Neither read nor write the vector cache."
        )
        parser.add_argument(
            "--words-only",
            action="store_true",
            help="Rank without the sentence-embedding model (by words alone: lower quality). "
            "Without this option, a missing model is an error saying how to install it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        top = parse_top(options["top"])
        at = parse_at(options["at"]) if options["at"] else None
        people = (
            [read_person(options["person"], profile_from_json)]
            if options["person"]
            else read_people(options["people"], profile_from_json)
        )
        try:
            services = load_directory(options["directory"])
        except LinkwellError as exc:
            raise CommandError(f"--directory {exc}") from None
        if options["words_only"]:
            encoder = None
        else:
            try:
                encoder = embedding.require_encoder()
            except embedding.ModelNotInstalled as exc:
                raise CommandError(f"{exc}; or pass --words-only to rank without it") from None
        store = None
        if encoder is not None and not options["no_cache"]:
            store = FileVectorStore(options["cache_dir"] or default_cache_dir())
        step(f"Indexing {len(services)} services...", options=options, stream=self.stderr)
        matcher = Matcher(services, encoder=encoder, vectors=store)
        step(f"Reading {len(people)} people...", options=options, stream=self.stderr)
        matcher.prepare(people)
        lines = []
        ranking = progress(
            people, desc="Ranking", unit="people", options=options, stream=self.stderr
        )
        for person in ranking:
            results = result_json(matcher.rank(person, top=top, at=at))
            if options["person"]:
                lines.append(json.dumps(results, ensure_ascii=False, indent=2))
            else:
                lines.append(json.dumps({"id": person.id, "results": results}, ensure_ascii=False))
        self.stdout.write("\n".join(lines))
