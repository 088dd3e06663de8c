from django.urls import path  # noqa: F401

app_name = "connections"

urlpatterns: list = []  # type: ignore[type-arg]
