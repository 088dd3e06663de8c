from django.urls import path

from linkwell.community import views

app_name = "community"

urlpatterns = [
    # Public, no sign-in.
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/thank-you/", views.suggest_done, name="suggest_done"),
    path("confirm/<str:token>/", views.contact_confirm, name="contact_confirm"),
    # Moderators (access.py).
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<uuid:suggestion_id>/", views.moderation_detail, name="moderation_detail"),
    path("moderation/<uuid:suggestion_id>/edit/", views.moderation_edit, name="moderation_edit"),
    path(
        "moderation/<uuid:suggestion_id>/approve/",
        views.moderation_approve,
        name="moderation_approve",
    ),
    path(
        "moderation/<uuid:suggestion_id>/reject/", views.moderation_reject, name="moderation_reject"
    ),
    path("moderation/<uuid:suggestion_id>/merge/", views.moderation_merge, name="moderation_merge"),
    # Partners who own a suggested venue.
    path("venue-requests/", views.venue_request_list, name="venue_requests"),
    path(
        "venue-requests/<uuid:suggestion_id>/",
        views.venue_request_detail,
        name="venue_request_detail",
    ),
    # Providers' iCal timetables.
    path("timetables/<uuid:service_id>/", views.timetable, name="timetable"),
    path("timetables/<uuid:service_id>/remove/", views.timetable_remove, name="timetable_remove"),
]
