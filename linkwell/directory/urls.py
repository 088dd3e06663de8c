from django.urls import path

from linkwell.directory.views import harvest, listings, search

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
    # Remote feeds and likely duplicates (views/harvest.py)
    path("feeds/", harvest.feeds, name="feeds"),
    path("feeds/<uuid:source_id>/", harvest.feed_detail, name="feed_detail"),
    path("feeds/<uuid:source_id>/harvest/", harvest.feed_harvest, name="feed_harvest"),
    path("harvests/<uuid:run_id>/", harvest.harvest_run, name="harvest_run"),
    path("duplicates/", harvest.duplicate_list, name="duplicates"),
    path("duplicates/<uuid:pair_id>/", harvest.duplicate_decide, name="duplicate_decide"),
    # The one-click "still correct" link from reminder emails (works without signing in).
    path("verify/<str:token>/", listings.verify_link, name="verify_link"),
]
