from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("beboere/<int:resident_pk>/", views.ledger, name="ledger"),
    path("beboere/<int:resident_pk>/nyt/", views.create, name="create"),
    path("<int:pk>/tilbagetraek/", views.withdraw, name="withdraw"),
    path("udloeber/", views.expiring, name="expiring"),
]
