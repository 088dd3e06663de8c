from django.urls import path

from linkwell.directory.views import listings, search

app_name = "directory"

urlpatterns = [
    # Finding (views/search.py)
    path("", search.search, name="search"),
    path("services/<uuid:service_id>/", search.service_detail, name="service_detail"),
    # Editing and freshness (views/listings.py)
    path("services/<uuid:service_id>/edit/", listings.service_edit, name="service_edit"),
]
