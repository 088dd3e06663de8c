from django.urls import path

from linkwell.connections.views import case, provider, register

app_name = "connections"

urlpatterns: list = [  # type: ignore[type-arg]
    # The link worker's side (views/case.py).
    path("cases/<uuid:case_id>/connections/", case.case_connections, name="case_connections"),
    path("cases/<uuid:case_id>/connect/", case.connect_search, name="connect_search"),
    path(
        "cases/<uuid:case_id>/connect/<uuid:service_id>/",
        case.connect_service,
        name="connect_service",
    ),
    path(
        "cases/<uuid:case_id>/connections/<uuid:connection_id>/cancel/",
        case.connection_cancel_view,
        name="connection_cancel",
    ),
    path(
        "cases/<uuid:case_id>/connections/<uuid:connection_id>/acknowledge/",
        case.connection_acknowledge_view,
        name="connection_acknowledge",
    ),
    path("cases/<uuid:case_id>/gaps/new/", case.gap_new, name="gap_new"),
    path("gaps/", case.gap_list, name="gap_list"),
    # The provider's side (views/provider.py).
    path("provider/referrals/", provider.inbox, name="provider_inbox"),
    path(
        "provider/referrals/<uuid:connection_id>/",
        provider.referral_detail,
        name="provider_referral",
    ),
    path(
        "provider/referrals/<uuid:connection_id>/<slug:action>/",
        provider.referral_action,
        name="provider_action",
    ),
    # Attendance in bulk (views/register.py).
    path("provider/registers/", register.register_start, name="provider_register_start"),
    path(
        "provider/services/<uuid:service_id>/register/",
        register.register,
        name="provider_register",
    ),
    path(
        "provider/attendance/upload/", register.attendance_upload, name="provider_attendance_upload"
    ),
    path("provider/r/<str:token>/", provider.referral_link, name="referral_link"),
]
