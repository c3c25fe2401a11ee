from django.urls import path

from . import views

app_name = "earlywarning"
urlpatterns = [
    path("team/<int:team_pk>/", views.suggestion_list, name="list"),
    path("team/<int:team_pk>/taerskler/", views.thresholds, name="thresholds"),
    path(
        "team/<int:team_pk>/beboer/<int:resident_pk>/accepter/",
        views.suggestion_accept,
        name="accept",
    ),
    path(
        "team/<int:team_pk>/beboer/<int:resident_pk>/afvis/",
        views.suggestion_dismiss,
        name="dismiss",
    ),
]
