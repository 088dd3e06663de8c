from django.urls import URLPattern, URLResolver, path

from linkwell.population import views

app_name = "population"

urlpatterns: list[URLPattern | URLResolver] = [
    path("invites/", views.invite_lists, name="invite_lists"),
    path("invites/upload/", views.invite_upload, name="invite_upload"),
    path("invites/practice/", views.practice_invites, name="practice_invites"),
    path("invites/practice/<uuid:entry_id>/", views.practice_invite, name="practice_invite"),
    path(
        "invites/practice/<uuid:entry_id>/outcome/",
        views.practice_invite_outcome,
        name="practice_invite_outcome",
    ),
    path("invites/<uuid:list_id>/", views.invite_list, name="invite_list"),
    path("invites/<uuid:list_id>/choose/", views.invite_list_select, name="invite_list_select"),
]
