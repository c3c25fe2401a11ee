from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="list"),
    path("antal/", views.count, name="count"),
    path("<int:pk>/laest/", views.mark_read, name="mark_read"),
]
