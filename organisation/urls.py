from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.facility_list, name="facility_list"),
    path("<int:pk>/", views.facility_detail, name="facility_detail"),
]
