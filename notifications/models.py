"""Notifications to a user."""
