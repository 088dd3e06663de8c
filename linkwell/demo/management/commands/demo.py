"""`linkwell demo`: load the demo area (idempotent); `--print-logins` shows how to sign in."""

from __future__ import annotations

import functools
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.core.exceptions import LinkwellError
from linkwell.core.progress import add_progress_option, step
from linkwell.demo import community as community_demo
from linkwell.demo import coproduction as coproduction_demo
from linkwell.demo import courses as courses_demo
from linkwell.demo import evidence as evidence_demo
from linkwell.demo import grants as grants_demo
from linkwell.demo import outcomes as outcomes_demo
from linkwell.demo import population as population_demo
from linkwell.demo import practice as practice_demo
from linkwell.demo import reports as reports_demo
from linkwell.demo import timebank as timebank_demo
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import (
    DEFAULT_SEED,
    DEMO_EMAIL_DOMAIN,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    demo_is_loaded,
    demo_load,
    demo_reset,
)


class Command(BaseCommand):
    help = (
        "Load fictional demo data for Oswestry and North Shropshire: organisations, one sign-in "
        "per role, a directory of community services, and ~540 fictional people with referrals "
        "and cases in every state. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (42).")
        parser.add_argument(
            "--reset", action="store_true", help="Remove the demo data first, then load it again."
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only print the demo sign-ins (and the address to open).",
        )
        parser.add_argument(
            "--url",
            default="",
            help="Address shown with --print-logins (default: LINKWELL_SITE_URL).",
        )
        add_progress_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_logins"]:
            self._print_logins(options["url"] or settings.SITE_URL + "/")
            return
        started = time.monotonic()
        try:
            # The demo's providers and people are fictional: what loading it would e-mail them
            # (venue requests, provider referrals) goes nowhere instead of into the console.
            with (
                audit_context(channel=Channel.COMMAND),
                override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            ):
                if options["reset"] and demo_is_loaded():
                    population_demo.reset()  # invite lists protect the demo's organisations
                    outcomes_demo.reset()  # staff survey rows protect the demo service
                    evidence_demo.reset()
                    reports_demo.reset()
                    demo_reset()
                    self.stdout.write("Removed the previous demo data.")
                say = functools.partial(step, options=options, stream=self.stderr)
                say("Building the area: directory, accounts, people and cases...")
                summary = demo_load(seed=options["seed"])
                say("Community suggestions and timetables...")
                community_demo.load()
                say("Invite lists from case finding...")
                population_demo.load()
                say("Outcome measures...")
                outcomes_demo.load(seed=options["seed"])
                say("Evidence: deprivation, activity and practice populations...")
                evidence_demo.load(seed=options["seed"])
                say("Consented stories for the quarterly report...")
                reports_demo.load(seed=options["seed"])
                say("Volunteers, befriending and connector matches...")
                volunteering_demo.load(seed=options["seed"], domain=DEMO_EMAIL_DOMAIN)
                say("Co-production self-assessments...")
                coproduction_demo.load(seed=options["seed"], domain=DEMO_EMAIL_DOMAIN)
                say("Community grants: programmes, rounds, panels and awards...")
                grants_demo.load(seed=options["seed"], domain=DEMO_EMAIL_DOMAIN)
                say("Per-practice work: MDT lists, an action plan, a roll-out checklist...")
                practice_demo.load(domain=DEMO_EMAIL_DOMAIN)
                say("The community centre's time bank...")
                timebank_demo.load(
                    seed=options["seed"], domain=DEMO_EMAIL_DOMAIN, password=DEMO_PASSWORD
                )
                say("Social prescribing courses: registers and moving-forward plans...")
                courses_demo.load(seed=options["seed"], domain=DEMO_EMAIL_DOMAIN)
        except LinkwellError as exc:
            raise CommandError(str(exc)) from exc
        if not summary.created:
            self.stdout.write(
                "Demo data is already loaded (use --reset to rebuild it, e.g. with another --seed)."
            )
            return
        c = summary.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded (seed {summary.seed}) in {time.monotonic() - started:.1f} s: "
                f"{c['organizations']} providers, {c['services']} services, "
                f"{c['locations']} places, {c['accounts_organisations']} organisations, "
                f"{c['users'] + c['link_workers_added']} sign-ins, {c['people']} people, "
                f"{c['cases']} cases."
            )
        )

    def _print_logins(self, url: str) -> None:
        if not demo_is_loaded():
            self.stdout.write("No demo data yet: run `linkwell demo` first.")
            return
        width = max(len(x.role_label) for x in DEMO_LOGINS)
        email_width = max(len(x.email) for x in DEMO_LOGINS)
        self.stdout.write(f"\nDemo sign-ins for {url}  (password for all: {DEMO_PASSWORD})\n")
        self.stdout.write(f"  {'Role':<{width}}  {'Email':<{email_width}}  Password")
        self.stdout.write(f"  {'-' * width}  {'-' * email_width}  {'-' * len(DEMO_PASSWORD)}")
        for login in DEMO_LOGINS:
            self.stdout.write(
                f"  {login.role_label:<{width}}  {login.email:<{email_width}}  {DEMO_PASSWORD}"
            )
        from linkwell.demo.people_catalogue import EXTRA_LINK_WORKERS

        others = ", ".join(f"{local}@{DEMO_EMAIL_DOMAIN}" for local, _ in EXTRA_LINK_WORKERS)
        self.stdout.write(f"  (more link workers in the same team: {others})")
        self.stdout.write("")
