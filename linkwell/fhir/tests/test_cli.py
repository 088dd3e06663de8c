"""`linkwell api-clients ...` and `linkwell organisations list`.

Most tests run the commands with `call_command`: the console entry point (`cli.main`) closes
the database connection when a command ends, which would end the test's own transaction on
PostgreSQL. The exit-status test goes through `cli.main` and touches the database only before."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from linkwell import cli
from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.audit.models import AuditEvent
from linkwell.fhir.models import ApiClient
from linkwell.fhir.tests.factories import make_practice, token_response

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) as the console would give them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return code, out.getvalue(), err.getvalue()


def test_bad_input_exits_non_zero_from_the_console(capsys: pytest.CaptureFixture[str]) -> None:
    make_practice()
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["linkwell", "api-clients", "create", "--name", "X", "--organisation", "Z9"])
    assert exit_info.value.code != 0
    assert "No active organisation has the ODS code Z9" in capsys.readouterr().err


def test_create_prints_the_id_and_secret_once_and_they_get_a_token(
    capsys: pytest.CaptureFixture[str], client: Client
) -> None:
    make_practice()
    code, out, _ = run(
        capsys,
        "api-clients", "create", "--name", "EMIS at Caxton", "--organisation", "m82015",
        "--scopes", "referrals.write referrals.read", "--format", "json",
    )  # fmt: skip
    assert code == 0
    printed = json.loads(out)
    assert set(printed) == {"client_id", "client_secret"}
    stored = ApiClient.objects.select_related("application").get()
    # Kept hashed, as django-oauth-toolkit does: the printed secret is not in the database.
    assert stored.application.client_secret != printed["client_secret"]
    assert stored.scope_list == ["referrals.write", "referrals.read"]
    created = type("C", (), printed)
    assert token_response(client, created).status_code == 200  # type: ignore[arg-type]
    assert AuditEvent.objects.filter(action="fhir.api_client_created", channel="command").exists()
    code, out, _ = run(capsys, "api-clients", "list", "--format", "json")
    listed = json.loads(out)
    assert listed[0]["client_id"] == printed["client_id"]
    assert "client_secret" not in listed[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "Z99999"], "No active organisation has the ODS code Z99999"),
        (["--organisation", "M82015", "--scopes", "everything"], "Unknown scope everything"),
        (["--organisation", "M82015", "--scopes", ""], "Give at least one scope"),
    ],
)
def test_bad_input_says_what_is_wrong_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    make_practice()
    code, _, err = run(capsys, "api-clients", "create", "--name", "X", *args)
    assert code != 0
    assert message in err
    assert not ApiClient.objects.exists()
    assert not AuditEvent.objects.filter(action="fhir.api_client_created").exists()


def test_revoke_stops_the_client_and_a_second_revoke_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_practice()
    _, out, _ = run(
        capsys,
        "api-clients",
        "create",
        "--name",
        "X",
        "--organisation",
        "M82015",
        "--format",
        "json",
    )
    client_id = json.loads(out)["client_id"]
    code, out, _ = run(capsys, "api-clients", "revoke", client_id)
    assert code == 0 and "Revoked X" in out
    assert ApiClient.objects.get().revoked_at is not None
    code, _, err = run(capsys, "api-clients", "revoke", client_id)
    assert code != 0 and "already revoked" in err
    code, _, err = run(capsys, "api-clients", "revoke", "no-such-client")
    assert code != 0 and "No API client has the id no-such-client" in err


def test_organisations_list_gives_ods_codes_filtered_by_kind(
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_practice()
    Organisation.objects.create(name="Shropshire SP", kind=OrganisationKind.LINK_WORKER_SERVICE)
    code, out, _ = run(capsys, "organisations", "list", "--kind", "gp-practice", "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"ods_code": "M82015", "name": "Caxton Surgery", "kind": "gp-practice"}
    ]
    code, out, _ = run(capsys, "organisations", "list", "--format", "json")
    assert {row["name"] for row in json.loads(out)} == {"Caxton Surgery", "Shropshire SP"}
