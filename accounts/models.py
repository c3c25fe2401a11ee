from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff user. What they may do comes from their memberships (organisation.Membership)."""

    # The region whose administrators maintain the account (set when a region administrator
    # creates it, so a new user without memberships yet is not lost to them). Memberships in
    # a region's teams, facilities and wards also put a user in that region
    # (accounts.access).
    region = models.ForeignKey(
        "organisation.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administered_users",
        verbose_name=_("administrerende region"),
        help_text=_("Regionen, hvis administratorer vedligeholder brugeren."),
    )

    class Meta:
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Issuer(models.TextChoices):
    """In which capacity an activation code was issued (``accounts.access.issuer_capacity``).
    A code from a leader, a superuser or the operator vouches for the person; a code from an
    administrator (who also sets passwords) enrols an authenticator that stops counting once
    the account opens resident data."""

    LEADER = "leader", _("leder")
    SUPERUSER = "superuser", _("superbruger")
    OPERATOR = "operator", _("driften (manage.py)")
    ADMINISTRATOR = "administrator", _("administrator")


class Activation(models.Model):
    """A one-time activation code for enrolling a user's first authenticator app.

    Issued by an administrator of the user's region or the leader of their team or facility
    (``accounts.services.activation_issue``), shown once to the issuer and stored only as a
    salted SHA-256 hash. Used once, by the user it was issued for, before it expires; a newer
    code replaces an older one, and too many wrong codes revoke it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activations"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udstedt af"),
    )
    issued_as = models.CharField(
        _("udstedt som"), max_length=16, choices=Issuer.choices, default=Issuer.ADMINISTRATOR
    )
    issued_at = models.DateTimeField(_("udstedt"), default=timezone.now)
    expires_at = models.DateTimeField(_("udløber"))
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(_("brugt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("annulleret"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    # the authenticator enrolled with it (unconfirmed until the first code from the app)
    device = models.OneToOneField(
        "otp_totp.TOTPDevice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activation",
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("aktiveringskode")
        verbose_name_plural = _("aktiveringskoder")
        indexes = [models.Index(fields=["user", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.issued_at:%Y-%m-%d %H:%M}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class FederatedIdentity(models.Model):
    """The link between a user and their subject identifier at an identity provider
    (``accounts.oidc``): a login through that provider with that subject signs in as the user.

    Created only by a person who vouches for the user (``accounts.oidc.services``: the leader
    of their team or facility, an administrator for accounts without resident data, or the
    operator with ``manage.py link_identity``), never from a login's claims. The subject is a
    pseudonymous identifier; the provider is the key of a configured provider."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="federated_identities"
    )
    provider = models.CharField(_("identitetsudbyder"), max_length=32)
    subject = models.CharField(_("subjekt-id"), max_length=255)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    last_login_at = models.DateTimeField(_("seneste login"), null=True, blank=True)

    class Meta:
        ordering = ["provider", "id"]
        verbose_name = _("fødereret identitet")
        verbose_name_plural = _("fødererede identiteter")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="federated_identity_provider_subject"
            ),
            models.UniqueConstraint(
                fields=["user", "provider"], name="federated_identity_user_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.provider}"
