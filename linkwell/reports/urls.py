from django.urls import URLPattern, URLResolver, path

from linkwell.reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly/report.pdf", views.pdf, name="quarterly_pdf"),
    path("quarterly/report.xlsx", views.workbook, name="quarterly_xlsx"),
    path("quarterly/tables/<slug:table_id>.csv", views.table_csv_download, name="quarterly_csv"),
    path("quarterly/charts/<slug:table_id>.svg", views.chart, name="quarterly_chart"),
]
