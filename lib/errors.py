"""Errors a service raises for the user: the form that called it shows the message."""

from django.core.exceptions import ValidationError


class TransitionError(ValidationError):
    """A state change that the workflow does not allow; the message is for the user."""


class StaleVersion(ValidationError):
    """Someone else saved the object since this user loaded it."""
