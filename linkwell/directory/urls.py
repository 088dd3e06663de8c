from django.urls import path

from linkwell.directory.views import listings, search

app_name = "directory"

urlpatterns = [
    # Finding (views/search.py)
    path("", search.search, name="search"),
    path("services/<uuid:service_id>/", search.service_detail, name="service_detail"),
    # Editing and freshness (views/listings.py)
    path("mine/", listings.my_listings, name="my_listings"),
    path("services/<uuid:service_id>/edit/", listings.service_edit, name="service_edit"),
    path("services/<uuid:service_id>/verify/", listings.service_verify_view, name="service_verify"),
    path(
        "organisations/<uuid:organization_id>/",
        listings.organization_detail,
        name="organization_detail",
    ),
    path(
        "organisations/<uuid:organization_id>/quality/",
        listings.organization_quality,
        name="organization_quality",
    ),
    # The one-click "still correct" link from reminder emails (works without signing in).
    path("verify/<str:token>/", listings.verify_link, name="verify_link"),
]
