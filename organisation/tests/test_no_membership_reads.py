"""No module outside the membership policy reads ``Membership`` (issue 11).

``organisation/access.py`` is the one place that turns memberships into permissions (the
principal, the membership policy and the member look-ups ``team_members``,
``facility_members``, ``users_in_regions``); ``organisation/services.py`` writes them,
``organisation/admin.py`` and the models define them. Everything else asks the principal or
those look-ups: a module that queries memberships itself forgets a rule sooner or later (a
deactivated or unconfirmed membership still granting write rights).

Allowed besides: migrations, demo data (``btt/demo/``), benchmarks and their synthetic
indicator history (``bench/``) and tests.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ALLOWED_FILES = {
    "organisation/access.py",
    "organisation/services.py",
    "organisation/admin.py",
    "organisation/models.py",
}
ALLOWED_DIRS = ("btt/demo/", "bench/")
SKIPPED_DIRS = {".venv", "venv", "node_modules", "var", "static", ".git", "__pycache__"}

MODEL_NAMES = {"Membership", "MembershipEvent"}
MODEL_STRING = re.compile(
    r"^(organisation\.)?(Membership|MembershipEvent|membership|membershipevent)$"
)
REVERSE_LOOKUP = re.compile(r"(^|__)memberships(__|$)")
TEMPLATE_READ = re.compile(r"\.memberships\b")


def _is_test(rel: str) -> bool:
    parts = rel.split("/")
    return (
        "tests" in parts[:-1]
        or parts[-1].startswith("test_")
        or parts[-1] == "conftest.py"
        or parts[0] == "tests"
    )


def _allowed(rel: str) -> bool:
    return (
        rel in ALLOWED_FILES
        or rel.startswith(ALLOWED_DIRS)
        or "/migrations/" in f"/{rel}"
        or _is_test(rel)
    )


def _sources(suffix: str):
    for path in sorted(ROOT.rglob(f"*{suffix}")):
        rel = path.relative_to(ROOT).as_posix()
        if set(rel.split("/")) & SKIPPED_DIRS or _allowed(rel):
            continue
        yield rel, path


def _docstring_nodes(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def membership_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every import, name, attribute, lookup or model string that reads
    memberships in one Python source."""
    tree = ast.parse(source)
    docstrings = _docstring_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in MODEL_NAMES:
                    found.append((node.lineno, f"imports {alias.name}"))
        elif isinstance(node, ast.Name) and node.id in MODEL_NAMES:
            found.append((node.lineno, f"uses {node.id}"))
        elif isinstance(node, ast.Attribute) and (
            node.attr in MODEL_NAMES or node.attr == "memberships"
        ):
            found.append((node.lineno, f"uses .{node.attr}"))
        elif isinstance(node, ast.keyword) and node.arg and REVERSE_LOOKUP.search(node.arg):
            found.append((node.value.lineno, f"looks up {node.arg}"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and (MODEL_STRING.match(node.value) or REVERSE_LOOKUP.search(node.value))
        ):
            found.append((node.lineno, f"names {node.value!r}"))
    return sorted(set(found))


def test_the_detector_finds_every_kind_of_membership_read():
    source = '''
"""Docstrings may talk about Membership and user.memberships."""
from organisation.models import Membership
import organisation.models as om
from django.apps import apps

a = om.Membership.objects.all()
b = User.objects.filter(memberships__team=1)
c = team.memberships.filter(is_active=True)
d = apps.get_model("organisation", "Membership")
e = User.objects.prefetch_related("memberships")
f = User.objects.values("memberships__profession")
'''
    lines = {line for line, _ in membership_reads(source)}
    assert lines == {3, 7, 8, 9, 10, 11, 12}


def test_no_module_outside_the_policy_reads_memberships():
    offenders = []
    for rel, path in _sources(".py"):
        for line, what in membership_reads(path.read_text(encoding="utf-8")):
            offenders.append(f"{rel}:{line}: {what}")
    for rel, path in _sources(".html"):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_READ.search(text):
                offenders.append(f"{rel}:{number}: reads .memberships")
    assert not offenders, (
        "Only organisation/access.py reads memberships; ask principal_for(user) or "
        "organisation.access.team_members / facility_members / users_in_regions instead:\n"
        + "\n".join(offenders)
    )
