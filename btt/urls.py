from django.contrib import admin
from django.urls import include, path

from accounts.views import home

from . import views

admin.site.site_header = "Botilbudsteams – administration"
admin.site.site_title = "Botilbudsteams"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.prometheus_metrics, name="metrics"),
    # the benchmarks' trivial signed-in page: 404 unless BENCH_FLOOR=1 (bench/)
    path("_bench/floor/", views.bench_floor, name="bench_floor"),
    path("konto/", include("accounts.urls")),
    path("botilbud/", include("organisation.urls")),
    path("beboere/", include("residents.urls")),
    path("", include("courses.urls")),
    path("samtykker/", include("consent.urls")),
    path("noedadgang/", include("emergency.urls")),
    path("log/", include("audit.urls")),
    path("tavle/", include("board.urls")),
    path("samarbejdsaftaler/", include("agreements.urls")),
    path("", include("record.urls")),
    path("opfoelgning/", include("indicators.urls")),
    path("tidlig-opsporing/", include("earlywarning.urls")),
    path("api/indbakke/", include("interchange.urls")),
    path("beskeder/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "btt.views.server_error"
