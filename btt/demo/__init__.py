"""Synthetic demo data for ``manage.py seed_demo``: planned in memory, written in bulk.

- ``vocabulary``: Danish word lists, geography and text templates (demo content only).
- ``organisation``: teams, facilities, wards, staff users and memberships of one region.
- ``residents``: residents, identifiers, residences, concerns, referrals and courses.
- ``plan``: ``build_plan`` puts regions together deterministically for a seed.
- ``write``: ``write_plan`` saves a plan with ``bulk_create`` in one transaction.
- Written after the plan, from what is in the database: ``extras`` (authenticator secrets,
  consents), ``board``, ``agreements`` and ``record`` (the course record, with the densest
  resident's ten years of history; its texts in ``record_texts``).
"""

from .common import ADMIN_GROUP_NAME, BIRTH_ANCHOR, DEFAULT_SEED, DEMO_PASSWORD
from .plan import DemoPlan, build_plan, identity_digest
from .write import write_plan

__all__ = [
    "ADMIN_GROUP_NAME",
    "BIRTH_ANCHOR",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DemoPlan",
    "build_plan",
    "identity_digest",
    "write_plan",
]
