from django.urls import URLPattern, URLResolver, path

from linkwell.reports import views, views_stories

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly/report.pdf", views.pdf, name="quarterly_pdf"),
    path("quarterly/report.xlsx", views.workbook, name="quarterly_xlsx"),
    path("quarterly/tables/<slug:table_id>.csv", views.table_csv_download, name="quarterly_csv"),
    path("quarterly/charts/<slug:table_id>.svg", views.chart, name="quarterly_chart"),
    # Patient stories, from a case page (views_stories.py).
    path("cases/<uuid:case_id>/stories/", views_stories.story_list, name="story_list"),
    path("cases/<uuid:case_id>/stories/new/", views_stories.story_new, name="story_new"),
    path(
        "cases/<uuid:case_id>/stories/<uuid:story_id>/edit/",
        views_stories.story_edit,
        name="story_edit",
    ),
    path(
        "cases/<uuid:case_id>/stories/<uuid:story_id>/withdraw/",
        views_stories.story_withdraw,
        name="story_withdraw",
    ),
]
