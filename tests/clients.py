"""The test client used across the suite (root conftest.py overrides pytest-django's
``client`` with it)."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import Client


class SignInClient(Client):
    """The test client, with logins that pass the second factor unless told otherwise.

    ``force_login(user)`` and ``login(...)`` give a session that has completed two-factor
    sign-in (the user gets a confirmed TOTP device if they have none), so tests of pages need
    not repeat the sign-in. ``verified=False`` stops after the password, for the sign-in tests.
    ``login()`` hands django-axes the request it needs (a test address, 127.0.0.1).
    """

    def force_login(self, user, backend=None, *, verified=True):
        super().force_login(user, backend)
        if verified:
            self._verify_second_factor(user)

    def login(self, *, verified=True, **credentials):
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials["request"] = request
        logged_in = super().login(**credentials)
        if logged_in and verified:
            from django.contrib.auth import get_user

            self._verify_second_factor(get_user(self._session_request()))
        return logged_in

    def _session_request(self):
        request = HttpRequest()
        request.session = self.session
        return request

    def _verify_second_factor(self, user):
        from django_otp import DEVICE_ID_SESSION_KEY

        from accounts.selectors import confirmed_totp_device
        from accounts.services import totp_device_create

        device = confirmed_totp_device(user) or totp_device_create(user, confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


class PasswordOnlyClient(SignInClient):
    """``force_login`` stops after the password: the second factor is still to come."""

    def force_login(self, user, backend=None, *, verified=False):
        super().force_login(user, backend, verified=verified)
