from django.urls import URLPattern, URLResolver

app_name = "coproduction"

urlpatterns: list[URLPattern | URLResolver] = []
