"""Views, template tags, context processors, the menu and templates ask the policies; none of
them re-derives a rule from the principal (issue 11: "Views, services, the admin, template tags
and the menu ask the policy; none of them re-derive a rule"; "Views only parse, call and
render").

The lint half scans every view module (``views.py``, ``views/*.py`` and any other module a URL
points to, such as ``record/visit_day.py``), every ``templatetags/*.py``,
``context_processors.py``, the menu (``btt/menu.py``) and every template, and fails when one
reads ``principal_for``, ``nav_principal`` or one of the principal's id sets or flags
(``team_ids``, ``facility_ids``, ``leader_team_ids``, ``is_team_staff``, ...). The behaviour
half pins the menu built from the policies: per persona the same items as before plus
"Flytninger" and "Aktiveringskoder", and every item shown opens and every page not shown is
refused.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from organisation.models import Profession, Role
from tests import factories as f
from tests.url_modules import url_modules

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", "venv", "node_modules", "var", "static", ".git", "__pycache__", "bench"}

# Names that hand out the principal itself.
PRINCIPAL_NAMES = {
    "principal_for",
    "_as_principal",
    "_principal_cache",
    "nav_principal",
    "Principal",
    "ANONYMOUS",
}
# The principal's id sets and flags: reading one outside a policy re-derives a rule.
PRINCIPAL_FLAGS = {
    "team_ids",
    "leader_team_ids",
    "decider_team_ids",
    "facility_ids",
    "leader_facility_ids",
    "ward_ids",
    "admin_region_ids",
    "emergency_team_ids",
    "emergency_resident_ids",
    "team_professions",
    "professions_in",
    "is_team_staff",
    "is_facility_staff",
    "is_ward_staff",
    "is_region_admin",
    "is_leader",
}
FORBIDDEN = PRINCIPAL_NAMES | PRINCIPAL_FLAGS

# file: (the names it may still read, why). Keep it short; every entry needs a reason.
ALLOWED: dict[str, tuple[frozenset[str], str]] = {}


def _allowed(rel: str, name: str) -> bool:
    return name in ALLOWED.get(rel, (frozenset(), ""))[0]


# --- the scanner ---------------------------------------------------------------------------


def rule_reads(source: str) -> list[tuple[int, str]]:
    """(line, name) for every import, name, attribute or string in one Python source that
    reads the principal or one of its flags. Keyword arguments and parameters named like a
    flag (``team_ids=[team.pk]``) are a caller's own values, not a read."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            found += [(node.lineno, a.name) for a in node.names if a.name in FORBIDDEN]
        elif isinstance(node, ast.Name) and node.id in PRINCIPAL_NAMES:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.Constant) and node.value in PRINCIPAL_NAMES:
            found.append((node.lineno, str(node.value)))
    return found


TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
TEMPLATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def template_rule_reads(text: str) -> list[tuple[int, str]]:
    """(line, name) for every tag or variable in a template that reads the principal (a
    ``principal`` variable included) or one of its flags."""
    found = []
    for code in TEMPLATE_CODE.finditer(text):
        line = text.count("\n", 0, code.start()) + 1
        for name in TEMPLATE_NAME.findall(code.group()):
            if name in FORBIDDEN or name == "principal":
                found.append((line, name))
    return found


def _skipped(rel: str) -> bool:
    parts = rel.split("/")
    return bool(set(parts) & SKIPPED_DIRS) or "tests" in parts[:-1] or parts[0] == "tests"


def _url_modules() -> set[str]:
    """The project's modules that URLs point to (views not named views.py included)."""
    modules = url_modules()
    found = set()
    for module in modules:
        path = ROOT / (module.replace(".", "/") + ".py")
        if path.is_file():
            found.add(path.relative_to(ROOT).as_posix())
    return found


def scanned_python() -> list[str]:
    files = set(_url_modules()) | {"btt/menu.py"}
    for pattern in ("*/views.py", "*/views/*.py", "*/templatetags/*.py", "*/context_processors.py"):
        files |= {p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern)}
    return sorted(rel for rel in files if not _skipped(rel))


def scanned_templates() -> list[str]:
    return sorted(
        rel
        for p in ROOT.rglob("*.html")
        if not _skipped(rel := p.relative_to(ROOT).as_posix()) and "/templates/" in f"/{rel}"
    )


def _report(hits) -> str:
    return "\n".join(f"{rel}:{line}: {name}" for rel, line, name in hits)


# --- the lint ------------------------------------------------------------------------------


def test_the_scanner_sees_the_views_templates_and_the_menu():
    python = scanned_python()
    for rel in (
        "residents/views.py",
        "board/views/entries.py",
        "record/visit_day.py",
        "board/templatetags/board_links.py",
        "btt/context_processors.py",
        "emergency/context_processors.py",
        "btt/menu.py",
    ):
        assert rel in python, rel
    templates = scanned_templates()
    for rel in (
        "templates/includes/nav_items.html",
        "accounts/templates/accounts/home.html",
        "organisation/templates/organisation/facility_detail.html",
    ):
        assert rel in templates, rel


def test_the_scanner_finds_rules_re_derived_from_the_principal():
    source = (
        "from organisation.access import principal_for, require\n"
        "def view(request, team_ids=()):\n"
        "    p = principal_for(request.user)\n"
        "    require(p.is_team_staff or p.leader_facility_ids)\n"
        "    board_entries(request.user, team_ids=[1])\n"
        "    return {'nav_principal': p, 'ids': p.team_ids}\n"
    )
    assert sorted(rule_reads(source)) == [
        (1, "principal_for"),
        (3, "principal_for"),
        (4, "is_team_staff"),
        (4, "leader_facility_ids"),
        (6, "nav_principal"),
        (6, "team_ids"),
    ]
    template = (
        "{% if principal.is_team_staff %}x{% endif %}\n"
        "{% if facility.pk in nav_principal.facility_ids %}y{% endif %}\n"
        "<p>team_ids in plain text is no code</p>{{ show_board }}"
    )
    assert template_rule_reads(template) == [
        (1, "principal"),
        (1, "is_team_staff"),
        (2, "nav_principal"),
        (2, "facility_ids"),
    ]


def test_no_view_tag_context_processor_or_menu_reads_the_principal():
    hits = []
    for rel in scanned_python():
        for line, name in rule_reads((ROOT / rel).read_text(encoding="utf-8")):
            if not _allowed(rel, name):
                hits.append((rel, line, name))
    assert not hits, "ask the resource's access.py instead:\n" + _report(hits)


def test_no_template_reads_the_principal():
    hits = []
    for rel in scanned_templates():
        for line, name in template_rule_reads((ROOT / rel).read_text(encoding="utf-8")):
            if not _allowed(rel, name):
                hits.append((rel, line, name))
    assert not hits, "pass a flag from the view, asked of the policy:\n" + _report(hits)


def test_every_allowed_exception_still_exists_and_says_why():
    for rel, (names, reason) in ALLOWED.items():
        assert reason.strip(), rel
        text = (ROOT / rel).read_text(encoding="utf-8")
        reads = rule_reads(text) if rel.endswith(".py") else template_rule_reads(text)
        stale = names - {n for _, n in reads}
        assert not stale, f"stale allow-list entry for {rel}: {sorted(stale)}"


# --- the menu, built from the policies -----------------------------------------------------

NAV = re.compile(r'<nav class="app-nav"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')

TEAM = [
    "Find beboer",
    "Tavle",
    "Besøgsdage",
    "Visitation",
    "Ny henvisning",
    "Samtykker der udløber",
]
MENUS = {
    "team_nurse": [*TEAM, "Nødadgang", "Flytninger", "Botilbud", "Samarbejdsaftaler", "Opfølgning"],
    "team_doctor": [
        *TEAM,
        "Nødadgang",
        "Flytninger",
        "Botilbud",
        "Samarbejdsaftaler",
        "Opfølgning",
    ],
    "team_mentor": [*TEAM, "Flytninger", "Botilbud", "Samarbejdsaftaler", "Opfølgning"],
    "team_leader": [
        *TEAM,
        "Nødadgange til gennemgang",
        "Flytninger",
        "Botilbud",
        "Samarbejdsaftaler",
        "Opfølgning",
        "Medarbejdere og adgang",
        "Aktiveringskoder",
    ],
    "housing_staff": [
        "Find beboer",
        "Tavle",
        "Registrer beboer",
        "Flytninger",
        "Botilbud",
        "Samarbejdsaftaler",
    ],
    "housing_leader": [
        "Find beboer",
        "Tavle",
        "Registrer beboer",
        "Flytninger",
        "Botilbud",
        "Samarbejdsaftaler",
        "Opfølgning",
        "Medarbejdere og adgang",
        "Aktiveringskoder",
    ],
    "ward_staff": ["Opslag: botilbudsteam"],
    "region_admin": ["Botilbud", "Samarbejdsaftaler", "Opfølgning", "Administration"],
}


def _menu(client) -> list[tuple[str, str]]:
    """(label, href) of the main menu on the start page, "Forside" left out."""
    body = client.get(reverse("home"), follow=True).content.decode()
    nav = NAV.search(body)
    assert nav is not None
    return [(label, href) for href, label in LINK.findall(nav.group(1)) if label != "Forside"]


@pytest.mark.parametrize("persona", sorted(MENUS))
def test_the_menu_per_persona(world, login, persona):
    user = getattr(world, persona)
    assert [label for label, _ in _menu(login(user))] == MENUS[persona]


def test_the_board_link_opens_the_team_board_or_the_facility_board(world, login):
    assert dict(_menu(login(world.team_nurse)))["Tavle"] == reverse(
        "board:team", args=[world.team_a.pk]
    )
    assert dict(_menu(login(world.housing_staff)))["Tavle"] == reverse(
        "board:facility", args=[world.facility_a1.pk]
    )


@pytest.mark.parametrize("persona", sorted(MENUS))
def test_every_page_in_the_menu_opens_and_every_page_left_out_is_refused(world, login, persona):
    """The menu asks the same policies as the pages' gatekeepers."""
    from btt.menu import MENU, Item

    client = login(getattr(world, persona))
    shown = dict(_menu(client))
    failures = []
    for label, href in shown.items():
        status = client.get(href, follow=True).status_code
        if status != 200:
            failures.append(f"{label} {href}: {status}")
    for item in MENU:
        if not isinstance(item, Item) or item.label in shown or item.url_name == "admin:index":
            continue  # the admin sends non-staff to its own login page
        status = client.get(reverse(item.url_name)).status_code
        if status not in (403, 404):
            failures.append(f"{item.label} (not shown): {status}")
    assert not failures, failures


def test_the_facility_page_links_the_moves_for_those_who_may_see_them(world, login):
    url = reverse("organisation:facility_detail", args=[world.facility_a1.pk])
    moves = f'href="{reverse("residents:move_list")}"'
    board = f'href="{reverse("board:facility", args=[world.facility_a1.pk])}"'
    for user, shown in [
        (world.housing_staff, True),
        (world.team_nurse, True),
        (world.region_admin, False),
    ]:
        body = login(user).get(url).content.decode()
        assert (moves in body) is shown, user
        assert (board in body) is shown, user


def test_the_sharing_table_follows_the_consent_policy_not_the_users_roles(world, login):
    """A nurse of team B who is also housing staff at A1 sees team A's resident at A1 only as
    far as the consent shares it, and is told what is withheld (the page used to hide that
    for anyone who also belongs to a team)."""
    w = world
    user = w.other_team_nurse
    f.MembershipFactory(
        user=user,
        role=Role.FACILITY_STAFF,
        profession=Profession.SOCIAL_EDUCATOR,
        facility=w.facility_a1,
    )
    url = reverse("residents:detail", args=[w.resident_in_course.pk])
    body = login(user).get(url).content.decode()
    assert body.count("<strong>deles</strong>") == 2
    assert body.count("deles ikke – samtykke mangler") == 4
    team_page = login(w.team_nurse).get(url).content.decode()
    assert "Oplysninger fra botilbudsteamet" not in team_page
