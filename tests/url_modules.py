"""The modules that URLs point to: the pages, for the meta-tests that look at them."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def url_modules() -> set[str]:
    """Dotted names of every module a URL pattern's view lives in (any package)."""
    modules, stack = set(), [get_resolver()]
    while stack:
        resolver = stack.pop()
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                stack.append(pattern)
            elif isinstance(pattern, URLPattern):
                callback = pattern.callback
                modules.add(getattr(callback, "view_class", callback).__module__)
    return modules
