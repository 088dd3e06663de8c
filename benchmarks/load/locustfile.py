"""Locust users for `benchmarks/load/run.py`: the day-to-day mix of Linkwell's busiest pages.

Run by run.py (headless, against a fresh demo database); not imported by the app or the tests.
Weights give the mix: link workers about half the users, signed-in directory search and the
public directory a fifth each, provider staff a tenth. Every user waits LOAD_THINK_MIN to
LOAD_THINK_MAX seconds between tasks (run.py's --think; 5-15 s unless set).

Final statistics go to LOAD_STATS as JSON when locust quits: the `--csv` files are written when
the run time ends, before the requests still in flight during `--stop-timeout` complete, so they
can miss a note that was saved.

Each note a link worker adds carries the run's marker (LOAD_MARKER) and its own submission key in
its text, and its outcome is appended to LOAD_JOURNAL (one JSON line per POST), so run.py can
count lost and duplicated writes in the database afterwards. Requests are named by route
(`/cases/[case]/`), so the statistics group by page, not by URL.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import uuid
from typing import Any
from urllib.parse import quote_plus

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

# linkwell/demo/loader.py DEMO_PASSWORD (printed by `linkwell demo --print-logins`).
DEMO_PASSWORD = os.environ.get("LOAD_DEMO_PASSWORD", "Wellbeing-Oswestry-2025!")
DOMAIN = "demo.example.org"
LINK_WORKERS = [f"linkworker@{DOMAIN}", f"linkworker2@{DOMAIN}", f"linkworker3@{DOMAIN}"]
DIRECTORY_USERS = [f"manager@{DOMAIN}", f"analyst@{DOMAIN}"]
PROVIDER_USERS = [f"provider@{DOMAIN}"]
MARKER = os.environ.get("LOAD_MARKER", "loadtest")
JOURNAL = os.environ.get("LOAD_JOURNAL", "")
STATS = os.environ.get("LOAD_STATS", "")
THINK = between(
    float(os.environ.get("LOAD_THINK_MIN", "5")), float(os.environ.get("LOAD_THINK_MAX", "15"))
)

# What people type into the directory: needs, activities, places, a few misspellings.
SEARCHES = [
    "walking",
    "gardening",
    "debt advice",
    "singing memory",
    "loneliness",
    "art",
    "carers",
    "mental health",
    "food bank",
    "swimming",
    "men's shed",
    "befriending",
    "benefits",
    "housing",
    "exercise",
    "oswestry",
    "wem",
    "dementia",
    "bereavement",
    "gardenning",
]

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_RE = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
NOTE_FORM_RE = re.compile(r'action="/cases/[0-9a-f-]{36}/notes/"')

_journal_lock = threading.Lock()
_counter = itertools.count(1)
_email_turn: dict[str, itertools.count[int]] = {}


def _next_email(emails: list[str]) -> str:
    """Round robin over one role's accounts, so users spread evenly over them."""
    turn = _email_turn.setdefault(emails[0], itertools.count())
    return emails[next(turn) % len(emails)]


def _journal(entry: dict[str, Any]) -> None:
    if not JOURNAL:
        return
    with _journal_lock, open(JOURNAL, "a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")


def _csrf(html: str) -> str | None:
    found = CSRF_RE.search(html)
    return found.group(1) if found else None


class _SignedIn(FastHttpUser):
    """A member of staff: signs in once (CSRF token from the sign-in page), then works."""

    abstract = True
    wait_time = THINK
    emails: list[str] = []

    def on_start(self) -> None:
        self.email = _next_email(self.emails)
        self.signed_in = False
        with self.client.get("/accounts/login/", name="sign-in page", catch_response=True) as page:
            token = _csrf(page.text or "")
            if page.status_code != 200 or token is None:
                page.failure(f"sign-in page: {page.status_code}, csrf token found: {bool(token)}")
                return
        with self.client.post(
            "/accounts/login/",
            name="sign in",
            data={"csrfmiddlewaretoken": token, "email": self.email, "password": DEMO_PASSWORD},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign in as {self.email}: {response.status_code}, not 302")
                return
        self.signed_in = True

    def page(self, path: str, name: str) -> str | None:
        """GET a page that must answer 200 itself (a redirect means signed out or refused)."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} (Location: {r.headers.get('Location', '')})")
                return None
            return r.text or ""


class LinkWorker(_SignedIn):
    """Her caseload or home page, one of her cases, and now and then a note on it."""

    weight = 5
    emails = LINK_WORKERS

    def on_start(self) -> None:
        super().on_start()
        self.cases: list[str] = []
        if self.signed_in:
            html = self.page("/caseload/", "/caseload/") or ""
            self.cases = sorted(set(CASE_RE.findall(html)))

    @task(3)
    def caseload(self) -> None:
        self.page("/caseload/", "/caseload/")

    @task(1)
    def home(self) -> None:
        self.page("/", "/ (home)")

    @task(4)
    def open_case(self) -> None:
        if self.cases:
            self.page(f"/cases/{random.choice(self.cases)}/", "/cases/[case]/")

    @task(2)
    def add_note(self) -> None:
        """Open a case, then post a note with the page's CSRF token and a fresh key."""
        if not self.cases:
            return
        case = random.choice(self.cases)
        html = self.page(f"/cases/{case}/", "/cases/[case]/")
        if html is None:
            return
        token = _csrf(html)
        if token is None or not NOTE_FORM_RE.search(html):
            _journal({"key": "", "ok": False, "why": "no note form"})
            return
        key = str(uuid.uuid4())
        text = f"{MARKER} note {next(_counter)} key {key}: phoned, walking group booked."
        with self.client.post(
            f"/cases/{case}/notes/",
            name="/cases/[case]/notes/ (add note)",
            data={"csrfmiddlewaretoken": token, "text": text, "submission_key": key},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ok = response.status_code == 302 and response.headers.get("Location", "").endswith(
                f"/cases/{case}/"
            )
            if not ok:
                response.failure(f"note not added: {response.status_code}")
        _journal({"key": key, "ok": ok, "status": response.status_code})


class DirectorySearcher(_SignedIn):
    """A team manager or analyst searching the staff directory."""

    weight = 2
    emails = DIRECTORY_USERS

    @task
    def search(self) -> None:
        query = random.choice(SEARCHES)
        self.page(f"/directory/?q={quote_plus(query)}", "/directory/?q=[query]")


class ProviderStaff(_SignedIn):
    """Provider staff checking their referral inbox."""

    weight = 1
    emails = PROVIDER_USERS

    @task
    def inbox(self) -> None:
        self.page("/provider/referrals/", "/provider/referrals/")


class PublicVisitor(FastHttpUser):
    """A member of the public searching the directory, signed out."""

    weight = 2
    wait_time = THINK

    @task
    def search(self) -> None:
        query = random.choice(SEARCHES)
        with self.client.get(
            f"/find/?q={quote_plus(query)}",
            name="/find/?q=[query]",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")


PERCENTILES = {"50%": 0.5, "95%": 0.95, "99%": 0.99}


@events.quitting.add_listener
def write_final_stats(environment: Any, **_kwargs: Any) -> None:
    """Every route's totals once all users have stopped (run.py reads these, not the CSV)."""
    if not STATS:
        return
    stats = environment.stats

    def row(entry: Any) -> dict[str, Any]:
        return {
            "Type": entry.method or "",
            "Name": entry.name,
            "Request Count": entry.num_requests,
            "Failure Count": entry.num_failures,
            "Requests/s": entry.total_rps,
            **{
                key: entry.get_response_time_percentile(p) if entry.num_requests else None
                for key, p in PERCENTILES.items()
            },
        }

    rows = [row(entry) for entry in stats.entries.values()]
    rows.append({**row(stats.total), "Name": "Aggregated"})
    with open(STATS, "w", encoding="utf-8") as out:
        json.dump(rows, out, indent=1)
