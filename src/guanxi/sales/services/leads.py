"""Leads (线索): create, edit, qualify or disqualify, assignment (bulk and round robin within a
team) and conversion into a customer + contact + opportunity with a duplicate check."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core import clock
from guanxi.core.errors import InvalidInput, NotAllowed
from guanxi.core.models import Department, User
from guanxi.core.scopes import CHANGE, can, may_act
from guanxi.core.services import records
from guanxi.customers.models import Customer
from guanxi.customers.services import contacts as contact_services
from guanxi.customers.services import customers as customer_services
from guanxi.customers.services.duplicates import ExistingRecord, check_duplicates
from guanxi.sales import hooks
from guanxi.sales.models import Lead, LeadRoundRobin, LeadStatus, Opportunity
from guanxi.sales.services import opportunities
from guanxi.sales.services.common import MODULE, check_owner, clean_values, to_money

WRITABLE_FIELDS: tuple[str, ...] = (
    "source",
    "company",
    "contact_name",
    "contact_title",
    "phone",
    "email",
    "province",
    "city",
    "industry",
    "estimated_value",
    "status",
    "disqualify_reason",
    "notes",
)


class DuplicateCustomers(InvalidInput):
    """Converting would create a customer that seems to exist; ``found`` says who owns it."""

    def __init__(self, found: list[ExistingRecord]) -> None:
        self.found = found
        super().__init__(
            {
                "customer": [
                    _("A matching customer exists (%(reason)s; owner: %(owner)s).")
                    % {"reason": f.reason, "owner": f.owner}
                    for f in found
                ]
            }
        )


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = clean_values(values, WRITABLE_FIELDS)
    if cleaned.get("status") == LeadStatus.CONVERTED:
        raise InvalidInput({"status": [_("A lead is converted through the conversion.")]})
    _check_region(cleaned)
    if cleaned.get("estimated_value") not in (None, ""):
        cleaned["estimated_value"] = to_money(cleaned["estimated_value"], "estimated_value")
    elif "estimated_value" in cleaned:
        cleaned["estimated_value"] = None
    return cleaned


def _check_region(values: Mapping[str, Any]) -> None:
    """Province, city and industry are codes of the customers module's reference lists."""
    from guanxi.customers import reference

    regions = reference.regions()
    for level in ("province", "city"):
        code = values.get(level)
        if code and (code not in regions or regions[code].level != level):
            raise InvalidInput(
                {level: [_("Not a %(level)s in the region list.") % {"level": level}]}
            )
    industry = values.get("industry")
    if industry and industry not in reference.industries():
        raise InvalidInput({"industry": [_("Not in the industry classification.")]})


def create_lead(
    *, actor: Any, values: Mapping[str, Any], owner: Any = None, batch: Any = None
) -> Lead:
    cleaned = _clean(values)
    if not cleaned.get("company"):
        raise InvalidInput({"company": [_("This field is required.")]})
    owner = check_owner(actor, owner)
    return records.create_record(Lead, actor=actor, values={**cleaned, "owner": owner}, batch=batch)


def update_lead(
    lead: Lead, *, actor: Any, expected_version: int | None, changes: Mapping[str, Any]
) -> Lead:
    if lead.status == LeadStatus.CONVERTED:
        raise InvalidInput({"status": [_("A converted lead cannot be changed.")]})
    cleaned = _clean(changes)
    if (
        cleaned.get("status", lead.status) != LeadStatus.DISQUALIFIED
        and "disqualify_reason" not in cleaned
    ):
        cleaned["disqualify_reason"] = ""
    return records.update_record(
        lead, actor=actor, expected_version=expected_version, changes=cleaned
    )


def disqualify_lead(
    lead: Lead, *, actor: Any, reason: str, expected_version: int | None = None
) -> Lead:
    if not (reason or "").strip():
        raise InvalidInput({"disqualify_reason": [_("A disqualified lead needs a reason.")]})
    return update_lead(
        lead,
        actor=actor,
        expected_version=expected_version,
        changes={"status": LeadStatus.DISQUALIFIED, "disqualify_reason": reason},
    )


def delete_lead(lead: Lead, *, actor: Any) -> Lead:
    return records.soft_delete(lead, actor=actor)


def restore_lead(lead: Lead, *, actor: Any) -> Lead:
    return records.restore(lead, actor=actor)


def assign_leads(ids: Iterable[Any], *, actor: Any, new_owner: Any) -> list[Lead]:
    """Bulk assignment to one user: every id visible and changeable, or nothing changes."""
    return opportunities.reassign_by_ids(Lead, ids, actor=actor, new_owner=new_owner)


def team_members(team: Department) -> list[User]:
    """The members of a team who can own sales records, in a stable order."""
    users = User.objects.filter(department=team, is_active=True).order_by("pk")
    return [u for u in users if may_act(u, MODULE, CHANGE)]


def assign_round_robin(ids: Iterable[Any], *, actor: Any, team: Department) -> list[Lead]:
    """Deal the leads out to the team's members in turn, continuing where the last round
    stopped; all or nothing."""
    ids = list(dict.fromkeys(ids))
    members = team_members(team)
    if not members:
        raise InvalidInput({"team": [_("This team has no member who can take leads.")]})
    for member in members:
        if not records.may_hand_over_to(actor, member, MODULE):
            raise NotAllowed(_("You may not hand records over to this team."))
    found = {lead.pk: lead for lead in Lead.objects.visible_to(actor, CHANGE).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise NotAllowed(_("You may not change some of the selected records."))
    done = []
    with transaction.atomic():
        LeadRoundRobin.objects.get_or_create(department=team)
        # Two managers dealing leads to the same team at once: the row lock makes the second
        # continue after the first one's last member instead of both starting at the same one.
        state = LeadRoundRobin.objects.select_for_update().get(department=team)
        member_ids = [m.pk for m in members]
        position = member_ids.index(state.last_user_id) if state.last_user_id in member_ids else -1
        for pk in ids:
            position = (position + 1) % len(members)
            done.extend(
                records.reassign(
                    [found[pk]], actor=actor, new_owner=members[position], module=MODULE
                )
            )
        state.last_user = members[position]
        state.save(update_fields=["last_user"])
    return done


def duplicates_for(lead: Lead, actor: Any) -> list[ExistingRecord]:
    """Customers that the lead's company, phone or email already match (查重)."""
    return check_duplicates(actor, name=lead.company, phone=lead.phone, email=lead.email)


def convert_lead(
    lead: Lead,
    *,
    actor: Any,
    existing_customer: Customer | int | None = None,
    create_new_customer: bool = False,
    opportunity: Mapping[str, Any] | None = None,
    create_opportunity: bool = True,
    expected_version: int | None = None,
) -> Lead:
    """Convert a qualified lead in one step: a customer (new, or an existing one the actor may
    change), a contact for the lead's contact person, and an opportunity.

    Without ``existing_customer`` or ``create_new_customer``, matching customers stop the
    conversion with :class:`DuplicateCustomers`, so the user can attach to the existing one.
    """
    if lead.status != LeadStatus.QUALIFIED:
        raise InvalidInput({"status": [_("Only a qualified lead can be converted.")]})
    if not can(actor, lead, CHANGE):
        raise NotAllowed(_("You may not change this record."))
    customer: Customer | None = None
    if existing_customer is not None:
        pk = getattr(existing_customer, "pk", existing_customer)
        customer = (
            Customer.objects.visible_to(actor, CHANGE).filter(pk=pk).first()
            if str(pk).isdigit()
            else None
        )
        if customer is None:
            raise InvalidInput({"customer": [_("No such customer, or you may not change it.")]})
    elif not create_new_customer:
        found = duplicates_for(lead, actor)
        if found:
            raise DuplicateCustomers(found)
    owner = lead.owner or actor
    with transaction.atomic():
        if customer is None:
            customer = customer_services.create_customer(
                actor=actor,
                owner=owner,
                values={
                    "name": lead.company,
                    "phone": lead.phone,
                    "email": lead.email,
                    "province": lead.province,
                    "city": lead.city,
                    "industry": lead.industry,
                    "source": lead.source,
                    "status": "intention",
                },
            )
        contact = None
        if lead.contact_name:
            contact = customer.contacts.filter(name=lead.contact_name).first()
            if contact is None:
                contact = contact_services.create_contact(
                    actor=actor,
                    customer=customer,
                    values={
                        "name": lead.contact_name,
                        "title": lead.contact_title,
                        "mobile": lead.phone if lead.phone.startswith("1") else "",
                        "phone": "" if lead.phone.startswith("1") else lead.phone,
                        "email": lead.email,
                        "is_primary": not customer.contacts.exists(),
                    },
                )
        created: Opportunity | None = None
        if create_opportunity:
            values = {
                "name": lead.company,
                "amount": lead.estimated_value or 0,
                **(opportunity or {}),
            }
            if contact is not None:
                values.setdefault("contact", contact)
            created = opportunities.create_opportunity(
                actor=actor, customer=customer, owner=owner, values=values
            )
        converted = records.update_record(
            lead,
            actor=actor,
            expected_version=expected_version,
            changes={
                "status": LeadStatus.CONVERTED,
                "converted_at": clock.now(),
                "converted_customer": customer,
                "converted_opportunity": created,
            },
        )
        hooks.lead_converted.notify(converted, actor)
    return converted


def search(queryset: Any, term: str) -> Any:
    term = term.strip()
    return queryset.filter(
        Q(company__icontains=term)
        | Q(contact_name__icontains=term)
        | Q(phone__contains=term)
        | Q(email__icontains=term)
    )
