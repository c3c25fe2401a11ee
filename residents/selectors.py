"""Every read of residents starts here, already scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, TypedDict

from django.contrib.postgres.search import TrigramStrictWordSimilarity
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.expressions import Combinable

from audit.denials import resident_not_found
from courses.models import Concern, Course, Referral, ReferralStatus
from lib.cpr import normalise
from organisation.access import principal_for

from .models import Residence, Resident, ResidentIdentifier

if TYPE_CHECKING:
    from organisation.access import AnyUser
    from organisation.models import Facility


class ResidentIdRow(TypedDict):
    """A row of ``.values("resident_id")``."""

    resident_id: int


def _team_q(team_ids: Collection[int]) -> Q:
    # a held referral (made by a team that could not see the resident) and one never
    # confirmed give the team nothing
    referrals = Referral.objects.filter(team_id__in=team_ids).exclude(
        status__in=(ReferralStatus.HELD, ReferralStatus.NOT_CONFIRMED)
    )
    return (
        Q(pk__in=Course.objects.filter(team_id__in=team_ids).values("resident_id"))
        | Q(pk__in=referrals.values("resident_id"))
        | Q(pk__in=Concern.objects.filter(team_id__in=team_ids).values("resident_id"))
    )


def living_at(facility_ids: Collection[int]) -> QuerySet[Residence, ResidentIdRow]:
    """``resident_id`` of everyone living at these facilities now (for ``__in`` lookups): a
    resident who moves out drops out on the next request."""
    return Residence.objects.filter(facility_id__in=facility_ids, moved_out__isnull=True).values(
        "resident_id"
    )


def team_residents_of(team_ids: Collection[int]) -> QuerySet[Resident]:
    if not team_ids:
        return Resident.objects.none()
    return Resident.objects.filter(_team_q(team_ids))


def team_residents(user: AnyUser) -> QuerySet[Resident]:
    """Residents with a course, referral or concern in one of the user's teams."""
    return team_residents_of(principal_for(user).team_ids)


def is_team_resident(user: AnyUser, resident: Resident) -> bool:
    return team_residents(user).filter(pk=resident.pk).exists()


def residents_visible_to(user: AnyUser) -> QuerySet[Resident]:
    """The only starting point for lists, searches, counts and exports of residents.

    Team staff: residents with a course, referral or concern in their own team, and the one
    resident of an active emergency access. Housing staff: residents living at their own
    facility now. Everyone else (ward staff, region admins, anonymous): nobody.
    """
    principal = principal_for(user)
    condition = Q()
    granted = False
    if principal.team_ids:
        condition |= _team_q(principal.team_ids)
        granted = True
    if principal.emergency_resident_ids:
        condition |= Q(pk__in=principal.emergency_resident_ids)
        granted = True
    if principal.facility_ids:
        condition |= Q(pk__in=living_at(principal.facility_ids))
        granted = True
    if not granted:
        return Resident.objects.none()
    return Resident.objects.filter(condition)


def resident_by_identifier(value: str) -> Resident | None:
    """The resident who holds or held this number, unscoped. Only for code that then decides
    access itself through a policy (registration, referral, emergency access); its answer must
    never reach a user who may not see the resident."""
    identifier = ResidentIdentifier.objects.select_related("resident").filter(value=value).first()
    return identifier.resident if identifier is not None else None


def current_residence(resident: Resident) -> Residence | None:
    """The open residence (uses the prefetched ``current_residences`` when there)."""
    prefetched = getattr(resident, "current_residences", None)
    if prefetched is not None:
        return next(iter(prefetched), None)
    return (
        Residence.objects.select_related("facility")
        .filter(resident=resident, moved_out__isnull=True)
        .first()
    )


def with_current_details(queryset: QuerySet[Resident]) -> QuerySet[Resident]:
    """Attach the current identifier and residence in a constant number of queries."""
    return queryset.prefetch_related(
        Prefetch(
            "identifiers",
            queryset=ResidentIdentifier.objects.filter(valid_to__isnull=True),
            to_attr="current_identifiers",
        ),
        Prefetch(
            "residences",
            queryset=Residence.objects.filter(moved_out__isnull=True).select_related("facility"),
            to_attr="current_residences",
        ),
    )


def get_resident_for_user(user: AnyUser, pk: int) -> Resident:
    """The gatekeeper: 404 unless the user may see this resident."""
    resident = with_current_details(residents_visible_to(user)).filter(pk=pk).first()
    if resident is None:
        raise resident_not_found(pk)  # a plain 404; the denied audit row names the resident
    return resident


SEARCH_LIMIT = 50
# A name token matches a resident when it is a substring of the folded full name, or when its
# strict word similarity (pg_trgm: shared trigrams over all trigrams of the token and of the
# closest whole word(s) of the name) reaches this. Measured on the demo region (150 random
# one-letter typos of its surnames; "extra rows": names shown besides the right ones when the
# surname is typed right, in the 248 residents a team doctor sees):
#
#   measure, threshold       substituted inserted deleted swapped  extra rows median/p90/max
#   word similarity 0.6      41 %        47 %     53 %    33 %
#   word similarity 0.5      75 %        91 %     91 %    51 %     2 / 9 / 26
#   strict word sim. 0.5     56 %        81 %     77 %    25 %     0 / 4 / 9
#   strict word sim. 0.4     87 %        89 %     87 %    49 %     1 / 7 / 11
#   strict word sim. 0.35    87 %        99 %     93 %    67 %     2 / 9 / 17
#   strict word sim. 0.3     91 %        99 %     94 %    81 %     5 / 12 / 26
#
# 0.35: nearly every one-letter typo, with a couple of extra rows ranked below the exact ones.
# One wrong letter in a six-letter name scores 0.4 ("Jansen" ~ "Jensen"), so it lies safely
# above; a shared "-sen" ending alone scores 0.27 ("Hansen" ~ "Jensen") and stays out. Whole
# words (strict) rather than any stretch of the name (word similarity): "Hansen" ~ the "ansen"
# in "Christiansen" is 0.57 as word similarity, which is where its extra rows come from.
NAME_MATCH_THRESHOLD = 0.35
_SEARCH_TOKENS = 5


class _Fold(Func):
    """``residents_fold(text)`` (migration 0004): lower case, accents and Danish letters
    folded (ø → o, æ → ae, å → a, and the transcriptions oe → o, aa → a)."""

    function = "residents_fold"
    output_field = TextField()


class _FoldedName(Func):
    """``residents_person_name(first, last)``: the folded full name, the expression of the
    GIN trigram index ``resident_name_trgm``, so substring and typo matches use the index."""

    function = "residents_person_name"
    output_field = TextField()


def _by_identifier(visible: QuerySet[Resident], number: str) -> QuerySet[Resident]:
    """Exact match on any number the resident has held; never fuzzy."""
    return visible.filter(
        pk__in=ResidentIdentifier.objects.filter(value=number).values("resident_id")
    )


def _by_name(visible: QuerySet[Resident], text: str) -> QuerySet[Resident]:
    """Every token must match the name: a substring of it, or a strict word similarity of at
    least NAME_MATCH_THRESHOLD. The best match first (the sum of the tokens' strict word
    similarity: "Jensen" ranks "Jensen" above "Jenssen", "Jens" ranks "Jens Holm" above "Anne
    Jensen"), then alphabetical. Both conditions are served by the index ``resident_name_trgm``.
    Call inside a transaction: the threshold is set for it alone (``set_config(..., true)``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.strict_word_similarity_threshold', %s, true)",
            [str(NAME_MATCH_THRESHOLD)],
        )
    found = visible.alias(folded_name=_FoldedName(F("first_name"), F("last_name")))
    score: Combinable = Value(0.0, output_field=FloatField())
    for token in text.split()[:_SEARCH_TOKENS]:
        folded = _Fold(Value(token))
        found = found.filter(
            Q(folded_name__contains=folded) | Q(folded_name__trigram_strict_word_similar=folded)
        )
        # django-stubs types the first argument as str; Django takes an expression too
        score = score + TrigramStrictWordSimilarity(folded, "folded_name")  # type: ignore[arg-type]
    return found.annotate(score=score).order_by("-score", "last_name", "first_name", "pk")


def is_number_query(query: str) -> bool:
    """A query with a digit in it is a CPR or replacement number, never a name."""
    return any(c.isdigit() for c in query)


def resident_search(user: AnyUser, query: str) -> tuple[list[Resident], bool]:
    """Search the residents the user may see by name or by CPR/replacement number.

    A query with a digit in it is a number: matched exactly (hyphen and spaces ignored) against
    every number a resident has held, never approximately, so a near-miss finds nobody. Any
    other query is a name: each word must occur in the full name or resemble a word of it (one
    wrong letter, "Soren" for "Søren", "Soeren" for "Søren"), best match first.

    Returns at most SEARCH_LIMIT residents and whether there were more; a constant number of
    queries (the threshold, the search, the two current-details prefetches).
    """
    visible = residents_visible_to(user)
    text = (query or "").strip()
    with transaction.atomic():
        if is_number_query(text):
            found = _by_identifier(visible, normalise(text))
        else:
            found = _by_name(visible, text)
        rows = list(with_current_details(found)[: SEARCH_LIMIT + 1])
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def facility_residents(user: AnyUser, facility: Facility) -> QuerySet[Resident]:
    """Residents living at ``facility`` now, among those the user may see."""
    return with_current_details(
        residents_visible_to(user).filter(
            residences__facility=facility, residences__moved_out__isnull=True
        )
    )
