"""The rows of a customer import: columns and their aliases, cell conversion, the matching keys
of live customers, and the checks every row passes before anything is written."""

from __future__ import annotations

import decimal
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guanxi.core import imports
from guanxi.core.imports import RowError, Table
from guanxi.core.models import User
from guanxi.core.scopes import CHANGE
from guanxi.core.services import records
from guanxi.core.services.records import may_hand_over_to
from guanxi.customers import reference
from guanxi.customers.models import AXES, AgeBand, CompanySize, Contact, Customer
from guanxi.customers.services import customers as customer_services
from guanxi.customers.services import normalise

CONTACT_FIELDS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_mobile": "mobile",
    "contact_phone": "phone",
    "contact_email": "email",
    "contact_wechat": "wechat",
}
#: Every column an import understands, in template order.
IMPORT_FIELDS: tuple[str, ...] = (
    *customer_services.WRITABLE_FIELDS,
    "region",
    "owner",
    *CONTACT_FIELDS,
)
TEMPLATE_FIELDS: tuple[str, ...] = (
    "code", "name", "name_en", "kind", "relationship_type", "status", "lifecycle_status",
    "loyalty", "importance", "value_ability", "relationship_depth", "industry", "province",
    "city", "district", "address", "phone", "email", "tags", "source", "occupation", "age_band",
    "company_size", "annual_turnover", "owner", "notes", *CONTACT_FIELDS,
)  # fmt: skip

#: Built-in header aliases (Chinese and English) → field.
ALIASES: dict[str, str] = {
    "客户编号": "code", "客户编码": "code", "编号": "code", "编码": "code", "customer code": "code",
    "客户名称": "name", "客户名": "name", "名称": "name", "姓名": "name", "公司名称": "name",
    "customer": "name", "customer name": "name", "company": "name",
    "英文名": "name_en", "英文名称": "name_en", "english name": "name_en", "latin name": "name_en",
    "类型": "kind", "客户类型": "kind", "type": "kind",
    "关系类型": "relationship_type", "与企业的关系": "relationship_type",
    "relationship": "relationship_type",
    "客户状态": "status", "状态": "status",
    "生命周期状态": "lifecycle_status", "lifecycle": "lifecycle_status",
    "忠诚度": "loyalty", "重要性": "importance", "客户等级": "importance", "level": "importance",
    "价值类型": "value_ability", "value": "value_ability",
    "关系深度": "relationship_depth", "depth": "relationship_depth",
    "拜访频率": "visit_frequency", "来源": "source", "客户来源": "source",
    "行业": "industry", "所属行业": "industry",
    "地区": "region", "区域": "region", "省": "province", "省份": "province", "城市": "city",
    "市": "city", "区县": "district", "区": "district", "county": "district",
    "地址": "address", "详细地址": "address",
    "电话": "phone", "手机": "phone", "手机号": "phone", "联系电话": "phone", "mobile": "phone",
    "tel": "phone", "telephone": "phone",
    "邮箱": "email", "电子邮箱": "email", "电子邮件": "email", "e-mail": "email", "mail": "email",
    "网站": "website", "网址": "website", "标签": "tags", "tag": "tags",
    "职业": "occupation", "年龄段": "age_band", "age": "age_band",
    "企业规模": "company_size", "规模": "company_size", "size": "company_size",
    "年营业额": "annual_turnover", "营业额": "annual_turnover", "turnover": "annual_turnover",
    "负责人": "owner", "所有者": "owner", "销售": "owner", "owner username": "owner",
    "备注": "notes", "note": "notes",
    "联系人": "contact_name", "联系人姓名": "contact_name", "contact": "contact_name",
    "职务": "contact_title", "联系人职务": "contact_title", "title": "contact_title",
    "联系人手机": "contact_mobile", "联系人电话": "contact_phone", "联系人邮箱": "contact_email",
    "微信": "contact_wechat", "微信号": "contact_wechat", "wechat": "contact_wechat",
}  # fmt: skip

_CHOICE_FIELDS: dict[str, Any] = {**AXES, "company_size": CompanySize, "age_band": AgeBand}
_EXTRA_CHOICE_WORDS = {
    "kind": {"公司": "company", "企业": "company", "个人": "person", "组织": "company"},
}
_DECIMALS = {"annual_turnover", "own_stores_revenue", "franchise_stores_revenue", "logistics_price"}
_COUNTS = {
    "own_stores", "franchise_stores", "counters", "outlets_city", "outlets_county",
    "outlets_township", "logistics_turnaround_days",
}  # fmt: skip
_CENT = decimal.Decimal("0.01")


@functools.cache
def _choice_lookup(name: str) -> dict[str, str]:
    # Built once per process: the words come from the English labels whatever the language.
    return imports.choice_words(_CHOICE_FIELDS[name].choices, _EXTRA_CHOICE_WORDS.get(name))


@dataclass
class ImportResult(imports.ImportResult):
    updated: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "bad_rows": len(self.bad_lines),
        }


@dataclass
class Row:
    line: int
    cells: list[str]
    values: dict[str, Any]
    contact: dict[str, Any]
    owner: User | None = None
    errors: list[RowError] = field(default_factory=list)


class CustomerIndex:
    """Live customers' matching keys → id, loaded once (a query per row would not scale)."""

    def __init__(self) -> None:
        self.code: dict[str, int] = {}
        self.phone: dict[str, int] = {}
        self.email: dict[str, int] = {}
        self.name: dict[tuple[str, str], int] = {}
        rows = Customer.objects.values_list(
            "pk", "code", "phone_key", "email_key", "name_key", "province"
        )
        for pk, code, phone, email, name, province in rows.iterator(chunk_size=5000):
            self.add(pk, code, phone, email, name, province)

    def add(
        self, pk: int, code: str, phone: str, email: str, name: str, province: str
    ) -> list[tuple[dict[Any, int], Any]]:
        """Record a customer's keys (the first customer with a key keeps it); return the keys
        it took, so a queued row's stand-in id can later be settled."""
        taken: list[tuple[dict[Any, int], Any]] = []
        keys: list[tuple[dict[Any, int], Any]] = [
            (self.code, code),
            (self.phone, phone),
            (self.email, email),
            (self.name, (name, province) if name else ""),
        ]
        for table, key in keys:
            if key and key not in table:
                table[key] = pk
                taken.append((table, key))
        return taken

    @staticmethod
    def settle(taken: list[tuple[dict[Any, int], Any]], pk: int | None) -> None:
        """Give the keys a queued row took to the customer written for it (None: free them)."""
        for table, key in taken:
            if pk is None:
                del table[key]
            else:
                table[key] = pk

    def match(self, values: Mapping[str, Any]) -> int | None:
        if values.get("code"):
            return self.code.get(values["code"])
        for found in (
            self.phone.get(normalise.phone_key(values.get("phone", ""))),
            self.email.get(normalise.email_key(values.get("email", ""))),
            self.name.get((normalise.name_key(values.get("name", "")), values.get("province", ""))),
        ):
            if found:
                return found
        return None


def _convert(
    row: Row, name: str, raw: str, column: str, actor: User, users: dict[str, User | None]
) -> None:
    """Turn one cell into a field value, or add a RowError to the row."""
    value = raw.strip()
    if not value:
        return

    def bad(reason: str) -> None:
        row.errors.append(RowError(row.line, column, raw, reason))

    if name in CONTACT_FIELDS:
        row.contact[CONTACT_FIELDS[name]] = value
    elif name in _CHOICE_FIELDS:
        found = _choice_lookup(name).get(value.lower())
        if found is None:
            bad(_("Not one of the allowed values."))
        else:
            row.values[name] = found
    elif name == "region":
        for part in value.replace("/", " ").split():
            region = reference.find_region(part)
            if region is None:
                bad(_("Unknown region: %(name)s") % {"name": part})
                return
            row.values[region.level] = region.code
    elif name in {"province", "city", "district"}:
        region = reference.find_region(value)
        if region is None or region.level != name:
            bad(_("Unknown region."))
        else:
            row.values[name] = region.code
    elif name == "industry":
        industry = reference.find_industry(value)
        if industry is None or not industry.parent:
            bad(_("Not a division of the industry classification (GB/T 4754)."))
        else:
            row.values[name] = industry.code
    elif name in _DECIMALS:
        try:
            row.values[name] = decimal.Decimal(value.replace(",", "")).quantize(_CENT)
        except decimal.InvalidOperation:
            bad(_("Enter a number."))
    elif name in _COUNTS:
        try:
            row.values[name] = int(value.replace(",", ""))
        except ValueError:
            bad(_("Enter a whole number."))
    elif name == "owner":
        if value not in users:
            users[value] = User.objects.filter(username=value, is_active=True).first()
        owner = users[value]
        if owner is None:
            bad(_("No active user with this username."))
        elif owner.pk != getattr(actor, "pk", None) and not may_hand_over_to(
            actor, owner, "customers"
        ):
            bad(_("You may not make this user the owner."))
        else:
            row.owner = owner
    elif name == "tags":
        row.values[name] = normalise.tags_value(value)
    else:
        row.values[name] = value


def _field_errors(row: Row, errors: Mapping[str, list[str]], columns: dict[str, str]) -> None:
    for name, messages in errors.items():
        column = columns.get(name, name)
        value = str(row.values.get(name, "")) if name in row.values else ""
        for message in messages:
            row.errors.append(RowError(row.line, column, value, message))


def _clean_errors(instance: Any) -> dict[str, list[str]]:
    try:
        instance.full_clean(
            exclude=["owner", "department"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        return exc.message_dict
    return {}


def parse_rows(table: Table, colmap: imports.ColumnMap, actor: User) -> list[Row]:
    columns = {f: table.headers[i] for i, f in colmap.fields.items()}
    users: dict[str, User | None] = {}
    parsed = []
    for line, cells in table.rows:
        row = Row(line, cells, {}, {})
        for index, name in colmap.fields.items():
            raw = cells[index] if index < len(cells) else ""
            _convert(row, name, raw, columns[name], actor, users)
        parsed.append(row)
    return parsed


@dataclass
class Checks:
    """What :func:`validate` leaves for the writer."""

    #: line → id of the existing customer the row updates
    matches: dict[int, int]
    #: the other rows' customers as they will be created (code, keys, owner), checked
    new: records.Checked[Customer]
    #: line → position of the row's customer in ``new``
    new_index: dict[int, int]
    #: the rows' contacts as a new customer's first contact, checked but for the customer
    contacts: records.Checked[Contact]
    #: line → position of the row's contact in ``contacts``
    contact_index: dict[int, int]


def validate(
    rows: list[Row], colmap: imports.ColumnMap, table: Table, index: CustomerIndex, actor: User
) -> Checks:
    """Check every row, adding its errors to it. A new row's customer is built and checked as
    it will be written (the writer writes these very records), so it is checked once."""
    columns = {f: table.headers[i] for i, f in colmap.fields.items()}
    matches: dict[int, int] = {}
    for row in rows:
        found = index.match(row.values)
        if found:
            matches[row.line] = found
    existing = Customer.objects.in_bulk(set(matches.values()))
    changeable = changeable_ids(actor, existing)
    owner = actor if getattr(actor, "pk", None) else None
    new_index: dict[int, int] = {}
    values_list: list[dict[str, Any]] = []
    for row in rows:
        if row.line not in matches and row.values.get("name"):
            values = {**row.values, "code": row.values.get("code") or customer_services.new_code()}
            values.update(customer_services.derived_keys(values))
            new_index[row.line] = len(values_list)
            values_list.append({**values, "owner": owner})
    new = records.check_records(Customer, values_list)
    named = [row for row in rows if row.contact.get("name")]
    contacts = records.check_records(
        Contact, [{**row.contact, "is_primary": True} for row in named], later={"customer"}
    )
    contact_index = {row.line: position for position, row in enumerate(named)}
    for row in rows:
        # Conversion errors do not stop the field checks: the report names every bad cell.
        pk = matches.get(row.line)
        if pk is None:
            if not row.values.get("name"):
                row.errors.append(
                    RowError(
                        row.line, columns.get("name", "name"), "", _("This field is required.")
                    )
                )
                continue
            _field_errors(row, new.errors[new_index[row.line]], columns)
        elif pk not in changeable:
            row.errors.append(
                RowError(
                    row.line,
                    columns.get("name", "name"),
                    str(row.values.get("name", "")),
                    _("A matching customer exists and is outside your scope (owner: %(owner)s).")
                    % {"owner": existing[pk].owner or _("none")},
                )
            )
            continue
        else:
            instance = existing[pk]
            for name, value in row.values.items():
                setattr(instance, name, value)
            _field_errors(row, _clean_errors(instance), columns)
        if not row.contact:
            continue
        if row.line not in contact_index:
            column = columns.get("contact_name", "contact_name")
            row.errors.append(RowError(row.line, column, "", _("A contact needs a name.")))
            continue
        reverse = {v: k for k, v in CONTACT_FIELDS.items()}
        for name, messages in contacts.errors[contact_index[row.line]].items():
            column = columns.get(reverse.get(name, name), name)
            for message in messages:
                row.errors.append(
                    RowError(row.line, column, str(row.contact.get(name, "")), message)
                )
    return Checks(matches, new, new_index, contacts, contact_index)


def changeable_ids(actor: User, pks: Iterable[int]) -> set[int]:
    """Which of these customers the actor may change: one query per 500 ids (a re-import of a
    large file would pass SQLite's limit on query parameters in one)."""
    listed = sorted(pks)
    found: set[int] = set()
    for start in range(0, len(listed), 500):
        rows = Customer.objects.visible_to(actor, CHANGE).filter(pk__in=listed[start : start + 500])
        found.update(rows.values_list("pk", flat=True))
    return found
