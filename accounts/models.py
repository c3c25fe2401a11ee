from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A staff user. What they may do comes from their memberships (organisation.Membership)."""

    class Meta:
        ordering = ["first_name", "last_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
