from django.urls import path  # noqa: F401

app_name = "casework"

urlpatterns: list = []  # type: ignore[type-arg]
