"""Authorisation rules for the competence-activity URLs (merged into tests/authz_matrix.py)."""

from tests.authz_matrix_base import ALL_STAFF, HOUSING_A1, TEAM_A, Rule, _names, ok  # noqa: F401

RULES: dict = {}
