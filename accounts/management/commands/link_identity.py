"""``manage.py link_identity USERNAME PROVIDER SUBJECT``: link a user to their subject
identifier at a configured identity provider (``OIDC_PROVIDERS``), for the operator. A login
through that provider with that subject then signs in as the user."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.oidc.services import federated_identity_link_by_operator


class Command(BaseCommand):
    help = "Link a user to their subject identifier at an identity provider."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("provider", help="the key of a configured provider")
        parser.add_argument("subject", help="the provider's subject identifier (sub) for the user")

    def handle(
        self, *args: Any, username: str, provider: str, subject: str, **options: Any
    ) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            federated_identity_link_by_operator(target=user, provider=provider, subject=subject)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Linked {user.username} to a subject at {provider}.")
