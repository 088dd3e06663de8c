from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "linkwell.casework"
    label = "casework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The caseload's name search folds names in SQL; SQLite needs the function registered
        # on each connection (selectors/case_search.py says why).
        from django.db.backends.signals import connection_created

        from linkwell.casework.selectors.case_search import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="casework-sqlite-fold")
