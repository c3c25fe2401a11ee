from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("bekymringer/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("bekymringer/<int:pk>/afslut/", views.concern_close, name="concern_close"),
    path("beboere/<int:resident_pk>/bekymring/", views.concern_create, name="concern_create"),
    path("henvisninger/ny/", views.referral_create, name="referral_create"),
    path(
        "beboere/<int:resident_pk>/henvisning/",
        views.referral_create_for_resident,
        name="referral_create_for_resident",
    ),
    path("henvisninger/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("henvisninger/<int:pk>/visiter/", views.referral_decide, name="referral_decide"),
    path("henvisninger/<int:pk>/bekraeft/", views.referral_confirm, name="referral_confirm"),
    path("henvisninger/<int:pk>/afvis/", views.referral_not_confirm, name="referral_not_confirm"),
    path("henvisninger/<int:pk>/tilbagetraek/", views.referral_withdraw, name="referral_withdraw"),
    path("visitation/", views.visitation_queue, name="visitation_queue"),
    path("forloeb/<int:pk>/", views.course_detail, name="course_detail"),
    path("forloeb/<int:pk>/kontaktpersoner/", views.course_contacts, name="course_contacts"),
    path("forloeb/<int:pk>/afslut/", views.course_end, name="course_end"),
    path("opslag/", views.ward_lookup, name="ward_lookup"),
]
