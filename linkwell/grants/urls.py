from django.urls import URLPattern, URLResolver, path

from linkwell.grants.views import figures, public, setup, staff

app_name = "grants"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.home, name="home"),
    path("apply/", public.rounds, name="rounds"),
    path("apply/done/", public.apply_done, name="apply_done"),
    path("apply/<uuid:round_id>/", public.apply, name="apply"),
    path("report/<str:token>/", public.report, name="report"),
    path("figures/", figures.figures, name="figures"),
    path("programmes/new/", setup.programme_new, name="programme_new"),
    path("programmes/<uuid:programme_id>/", setup.programme_detail, name="programme"),
    path("programmes/<uuid:programme_id>/edit/", setup.programme_edit, name="programme_edit"),
    path("programmes/<uuid:programme_id>/tiers/new/", setup.tier_new, name="tier_new"),
    path("programmes/<uuid:programme_id>/rounds/new/", setup.round_new, name="round_new"),
    path("tiers/<uuid:tier_id>/edit/", setup.tier_edit, name="tier_edit"),
    path("rounds/<uuid:round_id>/edit/", setup.round_edit, name="round_edit"),
    path("rounds/<uuid:round_id>/criteria/new/", setup.criterion_new, name="criterion_new"),
    path("criteria/<uuid:criterion_id>/edit/", setup.criterion_edit, name="criterion_edit"),
    path("rounds/<uuid:round_id>/panel/new/", setup.panel_add, name="panel_add"),
    path("panel/<uuid:member_id>/remove/", setup.panel_remove, name="panel_remove"),
    path("rounds/<uuid:round_id>/", staff.round_detail, name="round"),
    path("rounds/<uuid:round_id>/apply/", staff.staff_apply, name="staff_apply"),
    path("applications/<uuid:application_id>/", staff.application_detail, name="application"),
    path(
        "applications/<uuid:application_id>/score/",
        staff.application_score_view,
        name="application_score",
    ),
    path("applications/<uuid:application_id>/conflict/", staff.conflict_view, name="conflict"),
    path("applications/<uuid:application_id>/decide/", staff.decide_view, name="decide"),
    path("applications/<uuid:application_id>/pay/", staff.pay_view, name="pay"),
    path("applications/<uuid:application_id>/offer/", staff.offer_letter, name="offer"),
    path("applications/<uuid:application_id>/offer.pdf", staff.offer_letter_pdf, name="offer_pdf"),
    path(
        "applications/<uuid:application_id>/monitoring/",
        staff.monitoring_view,
        name="monitoring",
    ),
]
