"""Federated login over OpenID Connect, one or more identity providers per organisation
(mozilla-django-oidc, subclassed): ``config`` (the providers, checked at start-up),
``backend`` (the ID token and the identity link), ``flow`` (login, callback, logout; the pages are in ``accounts.views``),
``policy`` (which provider serves whom; who keeps the password), ``services`` (linking)."""
