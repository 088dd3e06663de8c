from django.urls import URLPattern, URLResolver, path

from linkwell.evidence import views

app_name = "evidence"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("service-use/", views.service_use, name="service_use"),
    path("equity/", views.equity, name="equity"),
    path("providers/", views.providers, name="providers"),
    path("providers/funnel.svg", views.funnel_svg, name="funnel"),
    path("payments/", views.payments, name="payments"),
    path("payments.csv", views.payments_csv, name="payments_csv"),
    path("gaps/", views.gaps, name="gaps"),
    path("unit-costs/", views.unit_cost_list, name="unit_costs"),
    path("unit-costs/<slug:kind>/", views.unit_cost_edit, name="unit_cost_edit"),
]
