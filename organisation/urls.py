from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.facility_list, name="facility_list"),
    path("<int:pk>/", views.facility_detail, name="facility_detail"),
    path("medarbejdere/", views.staff, name="staff"),
    path("medarbejdere/team/<int:pk>/", views.staff_team, name="staff_team"),
    path("medarbejdere/botilbud/<int:pk>/", views.staff_facility, name="staff_facility"),
    path(
        "medarbejdere/tilknytning/<int:pk>/beslut/",
        views.membership_decide,
        name="membership_decide",
    ),
    path(
        "medarbejdere/tilknytning/<int:pk>/ret/",
        views.membership_change,
        name="membership_change",
    ),
    path("medarbejdere/tilknytning/<int:pk>/afslut/", views.membership_end, name="membership_end"),
]
