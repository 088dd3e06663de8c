from django.urls import path  # noqa: F401

app_name = "referrals"

urlpatterns: list = []  # type: ignore[type-arg]
