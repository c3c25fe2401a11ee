"""``manage.py issue_activation USERNAME``: a one-time activation code for a user's first
authenticator, for the operator (the first superuser, region administrators). Leaders and
region administrators issue codes in the application."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.codes import ACTIVATION_LIFETIME
from accounts.models import User
from accounts.services import activation_issue_by_operator


class Command(BaseCommand):
    help = "Issue a one-time activation code for a user's first authenticator app."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            issued = activation_issue_by_operator(target=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        hours = int(ACTIVATION_LIFETIME.total_seconds() // 3600)
        self.stdout.write(
            f"Activation code for {user.username}: {issued.code} "
            f"(valid for {hours} hours, once; shown only now)."
        )
