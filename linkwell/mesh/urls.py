from django.urls import URLPattern, URLResolver

app_name = "mesh"

urlpatterns: list[URLPattern | URLResolver] = []
