from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("beboere/<int:pk>/", views.resident_log_page, name="resident_log"),
    path("beboere/<int:pk>/udtraek.csv", views.resident_log_export, name="resident_log_export"),
]
