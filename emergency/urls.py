from django.urls import path

from . import views

app_name = "emergency"
urlpatterns = [
    path("", views.start, name="start"),
    path("afslut/", views.end, name="end"),
    path("gennemgang/", views.queue, name="queue"),
    path("gennemgang/<int:pk>/", views.review, name="review"),
]
