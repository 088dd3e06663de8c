from django.urls import URLPattern, URLResolver, path

from linkwell.courses.views import pages

app_name = "courses"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", pages.course_list, name="list"),
    path("new/", pages.course_new, name="new"),
    path("<uuid:course_id>/", pages.course_detail, name="detail"),
    path("<uuid:course_id>/complete/", pages.complete, name="complete"),
    path("<uuid:course_id>/co-facilitators/", pages.co_facilitator_new, name="co_facilitator_new"),
    path("<uuid:course_id>/sessions/<uuid:session_id>/register/", pages.register, name="register"),
    path(
        "<uuid:course_id>/sessions/<uuid:session_id>/edit/", pages.session_edit, name="session_edit"
    ),
    path(
        "enrolments/<uuid:enrolment_id>/moving-forward/",
        pages.moving_forward,
        name="moving_forward",
    ),
    path(
        "enrolments/<uuid:enrolment_id>/withdraw/",
        pages.enrolment_withdraw,
        name="withdraw",
    ),
    path("cases/<uuid:case_id>/enrol/", pages.case_enrol, name="case_enrol"),
]
