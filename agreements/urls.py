from django.urls import path

from .views import activities, documents

app_name = "agreements"
urlpatterns = [
    path("", documents.agreement_list, name="list"),
    path("botilbud/<int:facility_pk>/ny/", documents.agreement_create, name="create"),
    path("<int:pk>/", documents.agreement_detail, name="detail"),
    path("<int:pk>/rediger/", documents.agreement_edit, name="edit"),
    path("<int:pk>/underskriv/", documents.agreement_sign, name="sign"),
    path("<int:pk>/opsig/", documents.agreement_terminate, name="terminate"),
    path("<int:pk>/pdf/", documents.agreement_pdf, name="pdf"),
    path("<int:pk>/versioner/<int:number>/", documents.version_detail, name="version"),
    path("region/", documents.region_overview, name="region"),
    path("botilbud/<int:facility_pk>/aktiviteter/", activities.activity_list, name="activities"),
    path(
        "botilbud/<int:facility_pk>/aktiviteter/ny/",
        activities.activity_create,
        name="activity_create",
    ),
]
