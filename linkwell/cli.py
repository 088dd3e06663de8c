"""The `linkwell` console command: Django's management commands under one name.

`linkwell`, `linkwell --help`, `linkwell -h` and `linkwell help` print the overview below, which
needs no settings or database (it must work on a machine that is not configured yet). Everything
else goes to Django, so `linkwell help <command>` shows that command's options.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Sequence

# (command, one-line description), grouped as a deployer meets them. Keep in step with the
# management commands (linkwell/tests: test_cli.py checks the Linkwell-owned ones exist).
COMMAND_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Set up and run",
        [
            ("migrate", "Create or update the database tables (run after every upgrade)."),
            ("createadmin", "Create a platform administrator, e.g. the first one."),
            ("createsuperuser", "The same as createadmin, under Django's name."),
            ("demo", "Load a reproducible fictional area; --print-logins lists the sign-ins."),
            ("runserver", "Serve Linkwell for development (make run does this for you)."),
            ("serve", "Serve Linkwell in production (gunicorn; see README, Deploying)."),
            ("db_worker", "Run background tasks: reminders, imports, report builds."),
        ],
    ),
    (
        "Community directory",
        [
            ("directory import FILE", "Import Open Referral UK (HSDS 3) JSON or CSV listings."),
            ("directory export", "Export the directory as Open Referral UK (HSDS 3) JSON."),
            ("directory remind", "Email providers whose listings need checking (run daily)."),
            ("harvest due", "Queue the harvests of remote directory feeds due now (run often)."),
            ("harvest run NAME", "Harvest one remote directory feed now (add, list: see --help)."),
            ("gaps send", "Send last month's gaps digest to the named services and champions."),
            ("seed_taxonomies", "Load Linkwell's taxonomies (safe to run again)."),
            ("community feeds", "Import providers' iCal timetable feeds (run daily)."),
        ],
    ),
    (
        "Matching",
        [
            ("match --directory FILE", "Suggest services for --person P.json or --people P.jsonl."),
            ("match_decisions report", "How suggestions did against link workers' choices."),
            ("befriend match --volunteers FILE", "Suggest volunteers for --person or --people."),
        ],
    ),
    (
        "Casework",
        [
            ("casework remind", "Remind people of follow-ups due soon (run daily)."),
        ],
    ),
    (
        "Messages back into the GP record (MESH)",
        [
            ("mesh mailbox set", "A practice's mailbox: --organisation ODS --mailbox ID."),
            ("mesh mailbox list", "Organisations with a MESH mailbox (--format json)."),
            ("mesh mailbox remove", "Back to the printable letter: --organisation ODS."),
            ("mesh deliver", "Send due messages back, track sent ones (run every 5 minutes)."),
            ("mesh resend --letter ID", "Send a letter whose MESH delivery failed again."),
        ],
    ),
    (
        "Volunteering",
        [
            ("volunteering remind", "Email coordinators about lapsing DBS checks (run daily)."),
        ],
    ),
    (
        "Time bank",
        [
            ("timebank account create", "Open an account: --member REF_OR_NAME --kind K."),
            ("timebank transfer", "Move hours: --from A --to B --hours H --category C."),
            ("timebank statement", "Balances and the total as JSON (--account for one)."),
            ("timebank check", "Recompute every balance and the zero sum; exit 1 if wrong."),
            ("timebank issue", "Credit volunteers' logged hours once: --issuing A --from --to."),
        ],
    ),
    (
        "Outcome measures",
        [
            ("measures list", "List the outcome measures, their versions and licences."),
            ("measures score ID --answers 4,3,5", "Score answers; prints JSON (raw, score, band)."),
            ("measures validate FILE", "Check a local measure definition (JSON)."),
            ("measures add FILE", "Validate and add a local measure."),
        ],
    ),
    (
        "Proactive case finding",
        [
            ("population synth", "Write a realistic synthetic register: --patients N --out DIR."),
            ("population run COHORT", "Rank a register by a cohort definition (DuckDB or Spark)."),
            ("population model fit", "Fit the emergency admission risk model; write its card."),
            (
                "population_invites exclusions",
                "Write pseudo_id,reason of people on a caseload or who declined (--out FILE).",
            ),
        ],
    ),
    (
        "Outcomes, reports and economics",
        [
            ("outcomes analyse --csv FILE", "Paired pre/post analysis of one measure (JSON)."),
            ("reports referrals --by X", "Referral counts by practice, source or reason."),
            ("economics list", "List the economic models."),
            ("economics run MODEL", "Run an economic model; --set name=value changes inputs."),
            ("evidence imd-import FILE", "Load a postcode -> LSOA -> IMD decile lookup (CSV)."),
            ("evidence activity-import FILE", "Import a GP/hospital activity extract (CSV)."),
            ("evidence population-import FILE", "Load practice population profiles (CSV)."),
            ("evidence unit-costs", "Print the unit costs of health service contacts (JSON)."),
            ("extract evaluation --out DIR", "Write the pseudonymised extract for evaluators."),
        ],
    ),
    (
        "FHIR API clients",
        [
            (
                "api-clients create",
                "A GP system's client: --name N --organisation ODS [--scopes S]; prints secret.",
            ),
            ("api-clients revoke CLIENT_ID", "Revoke a client: its tokens stop working at once."),
            ("api-clients list", "List API clients, their organisations and scopes."),
            ("organisations list", "Organisations and ODS codes (--kind gp-practice)."),
        ],
    ),
    (
        "Audit and security",
        [
            (
                "audit export",
                "Write the audit trail as CSV or JSON: --person, --user, --since or --all.",
            ),
            ("export --nhs-number N", "Subject access: all held about a person (JSON and PDF)."),
            ("retention apply", "Pseudonymise records past retention; --dry-run says what."),
            ("changepassword EMAIL", "Set a user's password."),
            ("clearsessions", "Remove expired sign-in sessions."),
            (
                "totp_keys --new | --rotate",
                "Make a two-factor encryption key, or re-encrypt secrets with the first key.",
            ),
        ],
    ),
    (
        "Maintenance",
        [
            ("check", "Check the configuration (add --deploy before going live)."),
            ("showmigrations", "List database migrations and whether they have run."),
            ("collectstatic", "Gather CSS and JavaScript into STATIC_ROOT for a web server."),
            ("backup --out FILE", "Back up the database to FILE (safe while Linkwell runs)."),
            ("restore FILE", "Restore a backup into an empty database and check every table."),
            ("db_roles grant ROLE", "PostgreSQL: give the app role what it needs, and no more."),
            ("prune_db_task_results", "Delete old background task results."),
            ("prune_submission_keys", "Forget forms' one-time retry keys older than a week."),
            ("shell", "A Python shell with Linkwell loaded."),
            ("dbshell", "The database's own command-line client."),
        ],
    ),
]

HELP_FLAGS = {"-h", "--help", "help"}

# Commands that compute from files or the measure catalogue and never sign anything a later
# process must verify (no sessions, sign-in links or form tokens): they run in a shell where
# Linkwell is not configured, e.g. an analyst's `linkwell match --directory F --person P`.
# Everything else still needs LINKWELL_SECRET_KEY (config/settings.py says how to set it).
SECRETLESS_COMMANDS = {"match", "befriend", "measures", "outcomes", "economics", "population"}


def _needs_no_secret(args: Sequence[str]) -> bool:
    command = args[1] if len(args) > 1 else ""
    return command in SECRETLESS_COMMANDS or command in HELP_FLAGS or bool(HELP_FLAGS & set(args))


def overview() -> str:
    width = max(len(name) for _, cmds in COMMAND_GROUPS for name, _ in cmds) + 2
    lines = [
        "Linkwell: social prescribing and community-centred primary care.",
        "",
        "Usage: linkwell <command> [options]",
        "",
    ]
    for title, commands in COMMAND_GROUPS:
        lines.append(f"{title}:")
        lines.extend(f"  {name.ljust(width)}{text}" for name, text in commands)
        lines.append("")
    lines += [
        "Run `linkwell help <command>` for a command's options and details,",
        "and `linkwell help --commands` for every command, Django's own included.",
        "Configuration comes from environment variables: see .env.example.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) == 1 or (len(args) == 2 and args[1] in HELP_FLAGS):
        sys.stdout.write(overview())
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if _needs_no_secret(args) and not os.environ.get("LINKWELL_SECRET_KEY"):
        # A key for this process only: nothing these commands do outlives it or is signed.
        os.environ["LINKWELL_SECRET_KEY"] = secrets.token_urlsafe(50)
    from django.core.management import execute_from_command_line

    from linkwell.core.env import EnvError

    args[0] = "linkwell"
    try:
        execute_from_command_line(args)
    except EnvError as exc:
        # A misconfigured environment is the deployer's to fix: say what, without a traceback.
        sys.stderr.write(f"linkwell: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
