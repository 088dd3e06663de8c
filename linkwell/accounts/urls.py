from django.urls import path

from linkwell.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery/", views.two_factor_recovery, name="two_factor_recovery"),
    path("two-factor/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
]
