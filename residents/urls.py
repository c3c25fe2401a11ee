from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("soeg/", views.search, name="search"),
    path("ny/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/flytning/", views.move_record, name="move_record"),
    path("flytninger/", views.move_list, name="move_list"),
    path("flytninger/foreslaa/", views.move_propose, name="move_propose"),
    path("flytninger/<int:pk>/", views.move_detail, name="move_detail"),
    path("flytninger/<int:pk>/bekraeft/", views.move_confirm, name="move_confirm"),
    path("flytninger/<int:pk>/afvis/", views.move_reject, name="move_reject"),
]
