"""Finding duplicate customers (a known plague: one customer treated as new by a second rep).

Candidates are pairs within the viewer's view scope: the same normalised phone or email, or a
similar name (rapidfuzz) in the same province. The pre-create check (查重) says that a record
exists and who owns it, without showing its details to someone outside its scope.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from guanxi.core.models.org import User
from guanxi.customers.models import Customer
from guanxi.customers.services import normalise

NAME_SIMILARITY = 90


@dataclass(frozen=True)
class Candidate:
    first: Customer
    second: Customer
    reason: str
    score: int


def find_duplicates(user: User, *, limit: int = 200) -> list[Candidate]:
    """Candidate pairs among the customers ``user`` may view."""
    visible = Customer.objects.visible_to(user)
    pairs: dict[tuple[int, int], tuple[str, int]] = {}

    for key, label in (("phone_key", _("same phone")), ("email_key", _("same email"))):
        values = (
            visible.exclude(**{key: ""})
            .values(key)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list(key, flat=True)[:limit]
        )
        groups: dict[str, list[int]] = defaultdict(list)
        for pk, value in visible.filter(**{f"{key}__in": list(values)}).values_list("pk", key):
            groups[value].append(pk)
        for ids in groups.values():
            _add_pairs(pairs, sorted(ids), label, 100)

    # Similar names within one province: group by the first characters of the name key, so the
    # comparison stays near-linear instead of all pairs of the whole table.
    buckets: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    rows = visible.exclude(name_key="").values_list("pk", "name_key", "province")
    for pk, name, province in rows.iterator(chunk_size=5000):
        buckets[(province, name[:2])].append((pk, name))
    for members in buckets.values():
        if len(members) < 2 or len(members) > 2000:
            continue
        names = [name for _pk, name in members]
        # One vectorised comparison per bucket (rapidfuzz in C), not a Python double loop.
        scores = process.cdist(names, names, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY)
        for i, j in zip(*scores.nonzero(), strict=True):
            if i < j:
                a, b = sorted([members[i][0], members[j][0]])
                _add_pairs(pairs, [a, b], _("similar name, same region"), int(scores[i, j]))
        if len(pairs) >= limit:
            break

    chosen = sorted(pairs.items(), key=lambda item: (-item[1][1], item[0]))[:limit]
    chosen_ids = {pk for (a, b), _v in chosen for pk in (a, b)}
    customers = visible.select_related("owner").in_bulk(chosen_ids)
    return [
        Candidate(customers[a], customers[b], reason, score)
        for (a, b), (reason, score) in chosen
        if a in customers and b in customers
    ]


def _add_pairs(pairs: dict, ids: list[int], reason: str, score: int) -> None:
    for i, a in enumerate(ids):
        for b in ids[i + 1 : i + 6]:  # a large group lists its first neighbours, not n² pairs
            pairs.setdefault((a, b), (reason, score))


@dataclass(frozen=True)
class ExistingRecord:
    """What the duplicate check may say about a match: its id only if the user may see it."""

    visible: bool
    owner: str
    reason: str
    customer: Customer | None


def check_duplicates(
    user: User, *, name: str = "", phone: str = "", email: str = ""
) -> list[ExistingRecord]:
    """Live customers (in any scope) matching the name, phone or email about to be entered."""
    condition = Q()
    name_key = normalise.name_key(name)
    phone_key = normalise.phone_key(phone)
    email_key = normalise.email_key(email)
    if name_key:
        condition |= Q(name_key=name_key)
    if len(phone_key) >= 5:
        condition |= Q(phone_key=phone_key)
    if email_key:
        condition |= Q(email_key=email_key)
    if not condition:
        return []
    # Deliberately unscoped: the check must say that a record exists anywhere; only the owner's
    # name leaves this function for records outside the user's scope.
    matches = list(Customer.objects.filter(condition).select_related("owner")[:20])
    visible_ids = set(
        Customer.objects.visible_to(user)
        .filter(pk__in=[m.pk for m in matches])
        .values_list("pk", flat=True)
    )
    found = []
    for match in matches:
        reasons = []
        if name_key and match.name_key == name_key:
            reasons.append(_("same name"))
        if len(phone_key) >= 5 and match.phone_key == phone_key:
            reasons.append(_("same phone"))
        if email_key and match.email_key == email_key:
            reasons.append(_("same email"))
        visible = match.pk in visible_ids
        found.append(
            ExistingRecord(
                visible=visible,
                owner=str(match.owner) if match.owner else _("nobody (customer pool)"),
                reason=", ".join(reasons),
                customer=match if visible else None,
            )
        )
    return found
