"""The team board refreshes itself too: its rows partial, polled every 15 seconds."""

import re

from django.urls import reverse

from board import services


def test_team_board_polls_its_rows_with_the_filters(world, client):
    w = world
    client.force_login(w.team_nurse)
    url = reverse("board:team", args=[w.team_a.pk])
    body = client.get(url, {"facility": w.facility_a1.pk}).content.decode()
    rows_url = reverse("board:team_rows", args=[w.team_a.pk])
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="every 15s"', body)
    assert poll and poll.group(1).startswith(rows_url)
    assert f"facility={w.facility_a1.pk}" in poll.group(1)
    fingerprint = re.search(r'hx-vals=\'\{"v": "([^"]+)"\}\'', body).group(1)

    unchanged = client.get(rows_url, {"facility": w.facility_a1.pk, "v": fingerprint})
    assert unchanged.status_code == 204

    entry = w.board_entry
    services.board_entry_update(
        user=w.housing_staff,
        entry=entry,
        version=entry.version,
        changes={"social_interventions": "Ny aftale om morgenkaffe"},
    )
    changed = client.get(rows_url, {"facility": w.facility_a1.pk, "v": fingerprint})
    assert changed.status_code == 200
    html = changed.content.decode()
    assert "<html" not in html and "Ny aftale om morgenkaffe" in html
    assert "HX-Request" in changed["Vary"]
