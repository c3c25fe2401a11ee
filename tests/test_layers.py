"""The apps sit in layers, and nothing hides a cycle (issue 12, "Layers that hold").

- The import-linter contracts in ``pyproject.toml`` (``[tool.importlinter]``) hold: a lower
  layer never imports a higher one, and only URL confs and pages import a page.
- The pages the contract lets import any layer are exactly the modules a URL points to.
- No module imports another app inside a function: such an import hides a cycle from Python
  (import-linter sees it, but it dodges the order the layers give). Move the code to the layer
  it belongs to instead; ``ALLOWED_FUNCTION_IMPORTS`` lists the exceptions, each with its
  reason.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from importlinter import configuration
from importlinter.application.use_cases import lint_imports

from tests.url_modules import url_modules

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
CONFIG = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
APPS: list[str] = CONFIG["root_packages"]

# (importing module, imported module): why the import has to stay inside a function.
ALLOWED_FUNCTION_IMPORTS: dict[tuple[str, str], str] = {}


def _contract(contract_id: str) -> dict:
    return next(c for c in CONFIG["contracts"] if c["id"] == contract_id)


# --- the contracts ----------------------------------------------------------------------------


def test_the_import_contracts_hold(capsys):
    configuration.configure()  # what the lint-imports command does first
    kept = lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


def test_every_app_is_in_a_layer():
    layered = {
        app.strip() for layer in _contract("layers")["layers"] for app in re.split(r"[|:]", layer)
    }
    assert layered == set(APPS)


# --- pages ------------------------------------------------------------------------------------


def _matches(module: str, pattern: str) -> bool:
    """import-linter's module expressions: ``*`` stands for one name, ``**`` for any."""
    parts = [
        r"[^.]+" if p == "*" else r".+" if p == "**" else re.escape(p) for p in pattern.split(".")
    ]
    return re.fullmatch(r"\.".join(parts), module) is not None


def _url_modules() -> set[str]:
    """The modules of our packages that URLs point to."""
    return {m for m in url_modules() if m.split(".")[0] in APPS}


def _page_patterns() -> set[str]:
    """The importers the layers contract lets import any layer, tests aside."""
    return {
        line.split(" -> ")[0]
        for line in _contract("layers")["ignore_imports"]
        if line.endswith(" -> **") and ".tests" not in line
    }


def test_the_pages_above_the_layers_are_the_modules_urls_point_to():
    urls = _url_modules()
    assert urls, "no URL found"
    patterns = _page_patterns()
    not_pages = sorted(m for m in urls if not any(_matches(m, p) for p in patterns))
    assert not_pages == [], "a URL points to a module the contract does not treat as a page"
    unused = sorted(p for p in patterns if not any(_matches(m, p) for m in urls))
    assert unused == [], "the contract treats as a page what no URL points to"
    forbidden = _contract("pages")["forbidden_modules"]
    unguarded = sorted(
        m for m in urls if not any(_matches(m, p) or _matches(m, p + ".*") for p in forbidden)
    )
    assert unguarded == [], "a page the 'pages' contract does not guard"


def test_the_page_matcher_reads_module_expressions():
    assert _matches("board.views.entries", "*.views.*")
    assert not _matches("board.views.entries", "*.views")
    assert _matches("residents.tests.test_search", "*.tests.**")
    assert not _matches("residents.services", "*.views")


# --- function-level imports -------------------------------------------------------------------


def function_level_imports(source: str, app: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import of another app inside a function."""
    tree = ast.parse(source)
    inside: dict[int, ast.Import | ast.ImportFrom] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    inside[id(inner)] = inner
    found = []
    for node in inside.values():
        if isinstance(node, ast.ImportFrom):
            names = [node.module] if node.level == 0 and node.module else []
        else:
            names = [alias.name for alias in node.names]
        for name in names:
            top = name.split(".")[0]
            if top in APPS and top != app:
                found.append((name, node.lineno))
    return sorted(found, key=lambda item: item[1])


def _app_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield app, module, path


def _all_function_level_imports() -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for app, module, path in _app_sources():
        for imported, line in function_level_imports(path.read_text(encoding="utf-8"), app):
            found.setdefault((module, imported), []).append(line)
    return found


def test_no_function_level_import_of_another_app():
    found = _all_function_level_imports()
    unexplained = {
        f"{module}:{','.join(map(str, lines))} imports {imported}"
        for (module, imported), lines in found.items()
        if (module, imported) not in ALLOWED_FUNCTION_IMPORTS
    }
    assert not unexplained, (
        "move the code to the layer it belongs to instead of importing inside a function:\n"
        + "\n".join(sorted(unexplained))
    )


def test_every_allowed_function_level_import_still_exists_and_says_why():
    found = _all_function_level_imports()
    for key, reason in ALLOWED_FUNCTION_IMPORTS.items():
        assert key in found, f"{key} is gone: remove it from ALLOWED_FUNCTION_IMPORTS"
        assert len(reason) > 20, f"{key}: say why"


def test_the_scanner_finds_imports_inside_functions_only():
    source = (
        "from courses.models import Course\n"
        "from . import access\n"
        "def f():\n"
        "    from board.models import BoardEntry\n"
        "    from .models import Entry\n"
        "    import indicators.sql\n"
        "    def g():\n"
        "        from consent import rules\n"
        "class C:\n"
        "    def m(self):\n"
        "        from record.kinds import Kind\n"
    )
    assert function_level_imports(source, "record") == [
        ("board.models", 4),
        ("indicators.sql", 6),
        ("consent", 8),
    ]
