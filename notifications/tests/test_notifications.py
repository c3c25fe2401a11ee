"""Notifications: deferred fan-out on commit, idempotent rows, the user's own inbox only."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from notifications.context_processors import notifications as context
from notifications.models import Kind, Notification
from notifications.selectors import unread_count
from notifications.services import notify
from notifications.tasks import fan_out

URL = "/samtykker/beboere/1/"


def _jobs() -> list[tuple[str, dict]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, args FROM procrastinate_jobs ORDER BY id")
        return [(name, json.loads(args)) for name, args in cursor.fetchall()]


def _add(user, key: str, kind: str = Kind.CONSENT_LAPSING) -> Notification:
    return Notification.objects.create(recipient=user, kind=kind, url=URL, dedupe_key=key)


def test_notify_defers_the_fan_out_when_the_transaction_commits(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(
            kind=Kind.CONSENT_LAPSING,
            recipients=[world.team_nurse.pk, world.team_nurse.pk, world.team_doctor.pk],
            url=URL,
            dedupe_key="k:1",
        )
        assert _jobs() == []  # nothing before the commit
    assert len(callbacks) == 1
    ids = sorted([world.team_nurse.pk, world.team_doctor.pk])
    assert _jobs() == [
        (
            "notifications.fan_out",
            {"kind": "consent_lapsing", "recipient_ids": ids, "url": URL, "dedupe_key": "k:1"},
        )
    ]


def test_a_rolled_back_transaction_defers_nothing(world, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(kind=Kind.CONSENT_LAPSING, recipients=[world.team_nurse.pk], url=URL, dedupe_key="k")
        raise RuntimeError("the service failed after notifying")
    assert callbacks == []
    assert _jobs() == []


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/a\\b", "/a b", ""]
)
def test_notify_links_only_to_paths_on_this_site(world, url):
    with pytest.raises(ValidationError):
        notify(kind=Kind.CONSENT_LAPSING, recipients=[world.team_nurse.pk], url=url, dedupe_key="k")


def test_notify_refuses_unknown_kinds_and_empty_keys(world):
    with pytest.raises(ValidationError):
        notify(kind="nonsense", recipients=[world.team_nurse.pk], url=URL, dedupe_key="k")
    with pytest.raises(ValidationError):
        notify(kind=Kind.CONSENT_LAPSING, recipients=[world.team_nurse.pk], url=URL, dedupe_key="")


def test_fan_out_writes_once_per_recipient_and_key_and_skips_inactive_users(world):
    world.team_mentor.is_active = False
    world.team_mentor.save(update_fields=["is_active"])
    ids = [world.team_nurse.pk, world.team_doctor.pk, world.team_mentor.pk]
    assert fan_out(kind="consent_lapsing", recipient_ids=ids, url=URL, dedupe_key="c:1:30") == 2
    assert fan_out(kind="consent_lapsing", recipient_ids=ids, url=URL, dedupe_key="c:1:30") == 0
    rows = Notification.objects.filter(dedupe_key="c:1:30")
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(ids[:2])


def test_fan_out_fails_on_an_unknown_kind(world):
    with pytest.raises(ValueError):
        fan_out(kind="nonsense", recipient_ids=[world.team_nurse.pk], url=URL, dedupe_key="k")


def test_inbox_lists_own_notifications_newest_first(world, client):
    older = _add(world.team_nurse, "a")
    newer = _add(world.team_nurse, "b", kind=Kind.CONSENT_LAPSED)
    _add(world.team_doctor, "c", kind=Kind.INCOMING_MESSAGE)
    client.force_login(world.team_nurse)
    body = client.get(reverse("notifications:list")).content.decode()
    assert body.index("Samtykke er udløbet") < body.index("Samtykke udløber snart")
    assert "Ny meddelelse fra et andet system" not in body  # the doctor's
    assert body.count(f'href="{URL}"') == 2
    for n in (older, newer):
        assert reverse("notifications:mark_read", args=[n.pk]) in body


def test_mark_read_by_post_and_404_for_another_users(world, client):
    own = _add(world.team_nurse, "a")
    others = _add(world.team_doctor, "b")
    client.force_login(world.team_nurse)
    url = reverse("notifications:mark_read", args=[own.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    own.refresh_from_db()
    assert own.read_at is not None
    first_read = own.read_at
    client.post(url)
    own.refresh_from_db()
    assert own.read_at == first_read  # marking again changes nothing
    response = client.post(reverse("notifications:mark_read", args=[others.pk]))
    assert response.status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


def test_header_loads_the_unread_count_counted_in_one_query(
    world, client, django_assert_num_queries
):
    _add(world.team_nurse, "a")
    _add(world.team_nurse, "b")
    read = _add(world.team_nurse, "c")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _add(world.team_doctor, "d")
    with django_assert_num_queries(1):
        assert unread_count(world.team_nurse) == 2
    client.force_login(world.team_nurse)
    home = client.get(reverse("home")).content.decode()
    count_url = reverse("notifications:count")
    assert f'href="{reverse("notifications:list")}"' in home
    assert f'hx-get="{count_url}" hx-trigger="load"' in home  # the page itself pays no query
    body = client.get(count_url).content.decode()
    assert '<span class="badge badge-info">2<span class="sr-only"> ulæste</span></span>' in body
    client.force_login(world.team_doctor)
    assert "1<span" in client.get(count_url).content.decode()
    client.force_login(world.team_mentor)
    assert "badge" not in client.get(count_url).content.decode()  # nothing unread: no badge


def test_no_count_for_anonymous_users(db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert context(request) == {}
