"""The person-data graph: a new table of personal data cannot be left out of subject access
exports or the retention policy without a test failing."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from linkwell.ops import retention
from linkwell.ops.person_data import SECTIONS, person_models, uncovered_models
from linkwell.people.models import Person


def test_every_table_tied_to_a_person_has_a_place_in_the_subject_access_export() -> None:
    assert uncovered_models() == [], (
        "These models hold data about a person (a chain of foreign keys leads to people.Person) "
        "but linkwell/ops/person_data.py SECTIONS does not say where a subject access export "
        "shows them. Add them there, and say what retention does to their text fields "
        "(linkwell/ops/retention.py FREE_TEXT / KEPT_TEXT)."
    )


def test_no_section_names_a_model_that_no_longer_holds_person_data() -> None:
    found = {pm.label for pm in person_models()}
    assert set(SECTIONS) - found == set()


def test_the_graph_reaches_through_cases_to_plans_and_volunteering() -> None:
    paths = {pm.label: pm.paths for pm in person_models()}
    assert paths["casework.CaseNote"] == ("case__person",)
    assert "plan__case__person" in paths["casework.Goal"]
    assert "match__request__person" in paths["volunteering.Activity"]
    assert paths["people.Person"] == ("pk",)


@isolate_apps("linkwell.ops")
def test_a_new_foreign_key_to_person_is_reported_until_it_is_placed() -> None:
    class Allergy(models.Model):  # noqa: DJ008 (a throwaway model for the graph)
        person = models.ForeignKey(Person, on_delete=models.CASCADE)

        class Meta:
            app_label = "ops"

    class AllergyNote(models.Model):  # noqa: DJ008
        allergy = models.ForeignKey(Allergy, on_delete=models.CASCADE)

        class Meta:
            app_label = "ops"

    found = person_models([*apps.get_models(), Allergy, AllergyNote])
    assert uncovered_models(found) == ["ops.Allergy", "ops.AllergyNote"]
    assert {pm.label: pm.paths for pm in found}["ops.AllergyNote"] == ("allergy__person",)
    assert (
        retention.unclassified_text_fields(
            [*person_models(), *(pm for pm in found if pm.label.startswith("ops."))]
        )
        == []
    )  # no text fields: nothing for retention to decide


@isolate_apps("linkwell.ops")
def test_a_new_free_text_field_on_person_data_is_reported_until_retention_decides() -> None:
    class Allergy(models.Model):  # noqa: DJ008 (a throwaway model for the graph)
        person = models.ForeignKey(Person, on_delete=models.CASCADE)
        reaction = models.TextField(blank=True)

        class Meta:
            app_label = "ops"

    found = [pm for pm in person_models([*apps.get_models(), Allergy]) if pm.label == "ops.Allergy"]
    assert retention.unclassified_text_fields(found) == ["ops.Allergy.reaction"]


def test_retention_decides_about_every_text_field_of_person_data() -> None:
    assert retention.unclassified_text_fields() == [], (
        "Say in linkwell/ops/retention.py whether retention clears these fields (FREE_TEXT) or "
        "keeps them for statistics (KEPT_TEXT, with the reason)."
    )
