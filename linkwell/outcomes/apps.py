from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "linkwell.outcomes"
    label = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The caseload (casework, below outcomes) offers "Outcome measures due" as a filter.
        from linkwell.casework.selectors import DueFilter, register_due_filter
        from linkwell.outcomes.selectors import case_ids_with_measures_due

        register_due_filter(
            DueFilter(
                value="measures", label="Outcome measures due", case_ids=case_ids_with_measures_due
            )
        )
