"""Linking a user to their subject at an identity provider: the only way a
``FederatedIdentity`` is made. Never from a login's claims."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import Action, Purpose
from audit.services import record

from .. import access
from ..models import FederatedIdentity, User
from ..security import log_event
from .policy import serves
from .session import providers, subject_hash

MAX_SUBJECT = 255


@transaction.atomic
def federated_identity_link(
    *, user: User, target: User, provider: str, subject: str
) -> FederatedIdentity:
    """``user`` links ``target`` to ``subject`` at ``provider``. Linking lets the holder of that
    login sign in as ``target`` without our password and authenticator, so it is allowed to
    those who vouch for the person as for an activation code (``accounts.access.ACTIVATE``:
    the leader of their team or facility, an administrator for accounts that open no resident
    data, a superuser)."""
    target = access.get_for_user(user, target.pk, action=access.ACTIVATE)
    return _link(target, provider=provider, subject=subject, created_by=user)


@transaction.atomic
def federated_identity_link_by_operator(
    *, target: User, provider: str, subject: str
) -> FederatedIdentity:
    """The same, for the operator on the server (``manage.py link_identity``)."""
    return _link(target, provider=provider, subject=subject, created_by=None)


def _link(
    target: User, *, provider: str, subject: str, created_by: User | None
) -> FederatedIdentity:
    configured = providers().get(provider)
    if configured is None:
        raise ValidationError(
            _("Der er ingen identitetsudbyder med nøglen %(key)s.") % {"key": provider}
        )
    subject = subject.strip()
    if not subject or len(subject) > MAX_SUBJECT or any(ord(c) < 32 for c in subject):
        raise ValidationError(_("Subjekt-id'et er tomt eller ugyldigt."))
    User.objects.select_for_update().filter(pk=target.pk).first()
    target.refresh_from_db(fields=["is_active"])
    if not target.is_active:
        raise ValidationError(_("Brugeren er deaktiveret."))
    if not serves(configured, target):
        raise ValidationError(
            _("%(provider)s betjener ikke brugerens organisation.") % {"provider": configured.label}
        )
    try:
        with transaction.atomic():
            identity = FederatedIdentity.objects.create(
                user=target, provider=provider, subject=subject, created_by=created_by
            )
    except IntegrityError:
        raise ValidationError(
            _(
                "Subjekt-id'et er allerede knyttet til en bruger, eller brugeren har allerede et "
                "login hos denne udbyder."
            )
        ) from None
    record(
        user=created_by,
        action=Action.CREATE,
        obj=identity,
        purpose=Purpose.ADMINISTRATION,
        detail={
            "event": "federated_identity_linked",
            "for_user_id": target.pk,
            "provider": provider,
        },
    )
    log_event(
        "federated_identity_linked",
        user=target,
        by_user_id=created_by.pk if created_by is not None else "operator",
        provider=provider,
        subject=subject_hash(provider, subject),
    )
    return identity
