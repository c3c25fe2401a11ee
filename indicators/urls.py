from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.home, name="home"),
    path("region/<int:pk>/", views.region, name="region"),
    path("team/<int:pk>/", views.team, name="team"),
    path("botilbud/<int:pk>/", views.facility, name="facility"),
    path("<str:level>/<int:pk>/eksport/<str:fmt>/", views.export, name="export"),
]
