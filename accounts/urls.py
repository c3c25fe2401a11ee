from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.PasswordLoginView.as_view(), name="login"),
    path("login/kode/", views.otp_verify, name="otp_verify"),
    path("login/app/", views.otp_setup, name="otp_setup"),
    path("logout/", views.logout, name="logout"),
    path("login/oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("login/oidc/<slug:key>/", views.oidc_login, name="oidc_login"),
    path("aktivering/", views.activations, name="activations"),
]
