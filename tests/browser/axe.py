"""Accessibility checks with axe-core (vendored, unmodified: tests/browser/vendor/axe-core-4.11.0,
MPL-2.0), injected into the page under test."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core-4.11.0" / "axe.min.js"


def serious_violations(page) -> list[str]:
    """Run axe on the current page; return the serious and critical violations, described."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) holds.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def assert_accessible(page) -> None:
    problems = serious_violations(page)
    assert not problems, "axe-core found:\n" + "\n".join(problems)
