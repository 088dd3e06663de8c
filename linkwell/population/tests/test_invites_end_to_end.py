"""From a cohort file to a referral in triage, through the pages the two teams use."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linkwell.population.models import InviteEntry, InviteList, InviteStatus
from linkwell.population.tests.factories import (
    TEST_KEY,
    csv_file,
    csv_row,
    nhs_numbers,
    pid,
)
from linkwell.referrals.models import Referral, ReferralSource
from linkwell.referrals.tests.factories import make_person, needs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _key(settings):
    settings.PSEUDONYM_KEY = TEST_KEY


def test_upload_select_confirm_and_the_referral_waits_in_triage(client, personas):
    needs()
    chosen, other = nhs_numbers(2)
    # 1. The link worker uploads the cohort run.
    client.force_login(personas.link_worker)
    data = csv_file(
        csv_row(1, pid(chosen), reasons=["Lives alone", "Electronic frailty index: severe"]),
        csv_row(2, pid(other)),
    )
    response = client.post(
        reverse("population:invite_upload"),
        {"file": SimpleUploadedFile("care-needs.csv", data), "run_date": "2026-11-20"},
    )
    invite_list = InviteList.objects.get()
    assert response.status_code == 302
    entry = InviteEntry.objects.get(pseudo_id=pid(chosen))
    # 2. ...chooses the top-ranked person and asks the practice to confirm.
    response = client.post(
        reverse("population:invite_list_select", kwargs={"list_id": invite_list.uuid}),
        {"action": "request", "entries": [str(entry.uuid)]},
    )
    assert response.status_code == 302
    # 3. The practice finds the request, re-identifies the patient and confirms.
    client.force_login(personas.referrer)
    listing = client.get(reverse("population:practice_invites")).content.decode()
    assert entry.pseudo_id[:10] in listing and pid(other)[:10] not in listing
    url = reverse("population:practice_invite", kwargs={"entry_id": entry.uuid})
    form = {
        "version": 2,
        "nhs_number": f"{chosen[:3]} {chosen[3:6]} {chosen[6:]}",
        "given_name": "Edith",
        "family_name": "Morgan",
        "dob_day": "2",
        "dob_month": "5",
        "dob_year": "1940",
        "postcode": "SY11 2SP",
        "phone": "01691 222222",
        "consent_to_contact": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    referral = Referral.objects.get()
    assert referral.source == ReferralSource.PROACTIVE
    entry.refresh_from_db()
    assert entry.status == InviteStatus.CONFIRMED and entry.referral == referral
    # 4. The referral is in the link-worker team's triage queue, and the list shows it.
    client.force_login(personas.link_worker)
    triage = client.get(reverse("referrals:triage")).content.decode()
    assert "Edith Morgan" in triage and "Proactive case finding" in triage
    page = client.get(reverse("population:invite_list", kwargs={"list_id": invite_list.uuid}))
    assert f"Referral {referral.reference}" in page.content.decode()


def test_a_person_linkwell_already_knows_is_offered_first(client, personas):
    needs()
    nhs = nhs_numbers(1)[0]
    known = make_person(
        given_name="Edith",
        family_name="Morgan",
        nhs_number=nhs,
        registered_practice=personas.practice,
    )
    client.force_login(personas.link_worker)
    client.post(
        reverse("population:invite_upload"),
        {
            "file": SimpleUploadedFile("c.csv", csv_file(csv_row(1, pid(nhs)))),
            "run_date": "2026-11-20",
        },
    )
    entry = InviteEntry.objects.get()
    client.post(
        reverse("population:invite_list_select", kwargs={"list_id": entry.invite_list.uuid}),
        {"action": "request", "entries": [str(entry.uuid)]},
    )
    client.force_login(personas.referrer)
    url = reverse("population:practice_invite", kwargs={"entry_id": entry.uuid})
    form = {
        "version": 2,
        "nhs_number": nhs,
        "given_name": "Edith",
        "family_name": "Morgan",
        "dob_day": "15",
        "dob_month": "3",
        "dob_year": "1948",
        "postcode": "SY11 1AA",
        "consent_to_contact": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert b"A record with this NHS number already exists" in response.content
    assert not Referral.objects.exists()
    response = client.post(url, {**form, "person_choice": str(known.uuid)})
    assert response.status_code == 302
    assert Referral.objects.get().person == known


def test_a_real_run_excludes_the_caseload_and_its_file_becomes_a_referral(
    client, personas, tmp_path
):
    """`population_invites exclusions` -> `population run --exclude` -> upload -> triage."""
    from django.core.management import call_command
    from django.utils import timezone

    from linkwell.casework.models import Case
    from linkwell.population import synth

    needs()
    on_caseload, invited, opted_out = nhs_numbers(3)
    Case.objects.create(
        person=make_person(nhs_number=on_caseload),
        link_worker_service=personas.link_worker_service,
        opened_at=timezone.now(),
    )
    # A practice's extract: pseudo ids are the practice's keyed hash of the NHS number.
    frame = next(synth.chunks(60, seed=5, practices=1, chunk=60)).to_pandas()
    frame["practice"] = personas.practice.ods_code
    frame["national_data_opt_out"] = False
    frame["known_to_social_prescribing"] = False
    for row, nhs in enumerate((on_caseload, invited, opted_out)):
        frame.loc[row, ["pseudo_id", "age", "efi_category"]] = [pid(nhs), 84, "severe"]
        frame.loc[row, ["lives_alone", "housebound"]] = True
    frame.loc[2, "national_data_opt_out"] = True
    frame.to_parquet(tmp_path / "register.parquet")
    exclusions, out = tmp_path / "exclude.csv", tmp_path / "care-needs.csv"
    service = str(personas.link_worker_service.uuid)
    call_command("population_invites", "exclusions", "--out", str(exclusions), "--service", service)
    call_command(
        "population",
        "run",
        "potential-care-needs",
        "--register",
        str(tmp_path / "register.parquet"),
        "--exclude",
        str(exclusions),
        "--out",
        str(out),
        "--no-progress",
    )
    text = out.read_text()
    assert pid(invited) in text
    assert pid(on_caseload) not in text and pid(opted_out) not in text
    assert "nhs" not in text.lower() and on_caseload not in text and invited not in text

    client.force_login(personas.link_worker)
    response = client.post(
        reverse("population:invite_upload"),
        {"file": SimpleUploadedFile(out.name, out.read_bytes()), "run_date": "2026-11-20"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    entry = InviteEntry.objects.get(pseudo_id=pid(invited))
    assert "Lives alone" in entry.reasons and "Housebound" in entry.reasons
    client.post(
        reverse("population:invite_list_select", kwargs={"list_id": entry.invite_list.uuid}),
        {"action": "request", "entries": [str(entry.uuid)]},
    )
    client.force_login(personas.referrer)
    response = client.post(
        reverse("population:practice_invite", kwargs={"entry_id": entry.uuid}),
        {
            "version": 2,
            "nhs_number": invited,
            "given_name": "Olwen",
            "family_name": "Pritchard",
            "dob_day": "9",
            "dob_month": "1",
            "dob_year": "1942",
            "postcode": "SY11 2SP",
            "consent_to_contact": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    client.force_login(personas.link_worker)
    triage = client.get(reverse("referrals:triage")).content.decode()
    assert "Olwen Pritchard" in triage and "Proactive case finding" in triage
