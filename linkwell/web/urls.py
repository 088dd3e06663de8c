from django.urls import path

from linkwell.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_trail, name="audit"),
]
