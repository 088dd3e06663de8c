from django.urls import path

from linkwell.referrals import views

app_name = "referrals"

urlpatterns = [
    path("refer/", views.refer, name="refer"),
    path("refer/sent/", views.sent, name="sent"),
    path("self-referral/", views.self_referral, name="self_referral"),
    path("self-referral/sent/", views.self_referral_done, name="self_referral_done"),
    path("triage/", views.triage, name="triage"),
    path("triage/<uuid:referral_id>/", views.triage_referral, name="triage_referral"),
    path("triage/<uuid:referral_id>/accept/", views.triage_accept, name="triage_accept"),
    path("triage/<uuid:referral_id>/return/", views.triage_return, name="triage_return"),
    path("triage/<uuid:referral_id>/decline/", views.triage_decline, name="triage_decline"),
]
