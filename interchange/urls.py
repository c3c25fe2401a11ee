from django.urls import path

from . import views

app_name = "interchange"

urlpatterns = [
    path("<slug:message_type>/", views.receive, name="receive"),
]
