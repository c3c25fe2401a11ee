"""Authorisation rules for notifications ("Beskeder"; merged into tests/authz_matrix.py).

Every signed-in user has an inbox of their own and its unread count (the header's partial). Marking read is POST only (GET: 405 for
everyone signed in); a notification is its recipient's: the team nurse's own is marked (302),
anyone else's is not found (404).
"""

from tests.authz_matrix_base import ALL_STAFF, Rule, ok


def _nurses_notification(w):
    from notifications.models import Kind, Notification

    notification, _ = Notification.objects.get_or_create(
        recipient=w.team_nurse,
        dedupe_key="authz-matrix",
        defaults={
            "kind": Kind.CONSENT_LAPSING,
            "url": f"/samtykker/beboere/{w.resident_in_course.pk}/",
        },
    )
    return [notification.pk]


RULES: dict = {
    "notifications:list": Rule(allow=ok(*ALL_STAFF)),
    "notifications:count": Rule(allow=ok(*ALL_STAFF)),
    "notifications:mark_read": Rule(
        args=_nurses_notification,
        allow=ok(*ALL_STAFF, status=405),
        writes=True,
        post={"team_nurse": 302},
    ),
}
