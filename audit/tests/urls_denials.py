"""A test-only URL whose view refuses with a 403 naming a resident, as a policy's
``get_for_user`` does when the user may see the resident's object but not act on it."""

from django.urls import include, path

from audit.denials import resident_forbidden


def forbidden_on_resident_object(request, pk: int):
    raise resident_forbidden(pk)


urlpatterns = [
    path("afvist/<int:pk>/", forbidden_on_resident_object, name="forbidden_on_resident_object"),
    path("", include("btt.urls")),
]
