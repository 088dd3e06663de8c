from django.urls import URLPattern, URLResolver, path

from linkwell.notifications import views

app_name = "notifications"

urlpatterns: list[URLPattern | URLResolver] = [
    path("receipts/", views.delivery_receipt, name="delivery_receipt"),
]
