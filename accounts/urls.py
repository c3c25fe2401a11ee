from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.PasswordLoginView.as_view(), name="login"),
    path("login/kode/", views.otp_verify, name="otp_verify"),
    path("login/app/", views.otp_setup, name="otp_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("aktivering/", views.activations, name="activations"),
]
