from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("soeg/", views.search, name="search"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
]
