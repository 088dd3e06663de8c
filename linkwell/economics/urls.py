from django.urls import URLPattern, URLResolver, path

from linkwell.economics import views

app_name = "economics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.model_list, name="index"),
    path("<slug:model_id>/", views.model_detail, name="model"),
]
