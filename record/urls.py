from django.urls import path

from . import timeline, views, visit_day

app_name = "record"
urlpatterns = [
    path("beboere/<int:resident_pk>/journal/", views.overview, name="overview"),
    path("beboere/<int:resident_pk>/journal/ny/<slug:kind>/", views.create, name="create"),
    path("beboere/<int:resident_pk>/tidslinje/", timeline.timeline, name="timeline"),
    path("journal/<int:pk>/", views.detail, name="detail"),
    path("journal/<int:pk>/version/<int:number>/", views.version, name="version"),
    path("journal/<int:pk>/ret/", views.correct, name="correct"),
    path("journal/<int:pk>/print/", views.print_plan, name="print"),
    path("besoegsdage/", visit_day.visit_days, name="visit_days"),
    path("besoegsdage/<int:facility_pk>/", visit_day.visit_day, name="visit_day"),
]
