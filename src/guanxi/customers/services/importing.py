"""Importing customers and their contacts from CSV or XLSX (data migration and cleaning, §7).

Every row is validated before anything is written. The write is one transaction with an
import batch; by default one bad row means nothing is written, with ``skip_invalid`` the good
rows are written and the bad ones come back in an error file with a reason column. A row whose
code, or normalised phone, email or name + province matches a live customer updates that
customer, so re-running a file changes nothing (no audit rows for unchanged records).
"""

from __future__ import annotations

import contextlib
import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core import imports
from guanxi.core.errors import GuanxiError, InvalidInput
from guanxi.core.imports import RowError, Table
from guanxi.core.models import ImportBatch, User
from guanxi.core.scopes import CHANGE
from guanxi.core.services.records import may_hand_over_to
from guanxi.customers import reference
from guanxi.customers.models import AXES, AgeBand, CompanySize, Contact, Customer
from guanxi.customers.services import contacts as contact_services
from guanxi.customers.services import customers as customer_services
from guanxi.customers.services import normalise

Progress = Callable[[str, int, int], None]

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


def _choice_lookup(name: str) -> dict[str, str]:
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
class _Row:
    line: int
    cells: list[str]
    values: dict[str, Any]
    contact: dict[str, Any]
    owner: User | None = None
    errors: list[RowError] = field(default_factory=list)


class _Index:
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

    def add(self, pk: int, code: str, phone: str, email: str, name: str, province: str) -> None:
        if code:
            self.code.setdefault(code, pk)
        if phone:
            self.phone.setdefault(phone, pk)
        if email:
            self.email.setdefault(email, pk)
        if name:
            self.name.setdefault((name, province), pk)

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
    row: _Row, name: str, raw: str, column: str, actor: Any, users: dict[str, User | None]
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


def _field_errors(row: _Row, instance: Any, columns: dict[str, str], exclude: list[str]) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = columns.get(name, name)
            value = str(row.values.get(name, "")) if name in row.values else ""
            for message in messages:
                row.errors.append(RowError(row.line, column, value, message))


def _parse_rows(table: Table, colmap: imports.ColumnMap, actor: Any) -> list[_Row]:
    columns = {f: table.headers[i] for i, f in colmap.fields.items()}
    users: dict[str, User | None] = {}
    parsed = []
    for line, cells in table.rows:
        row = _Row(line, cells, {}, {})
        for index, name in colmap.fields.items():
            raw = cells[index] if index < len(cells) else ""
            _convert(row, name, raw, columns[name], actor, users)
        parsed.append(row)
    return parsed


def _validate(
    rows: list[_Row], colmap: imports.ColumnMap, table: Table, index: _Index, actor: Any
) -> dict[int, int]:
    """Check every row; return line → id of the existing customer each matched row updates."""
    columns = {f: table.headers[i] for i, f in colmap.fields.items()}
    matches: dict[int, int] = {}
    for row in rows:
        found = index.match(row.values)
        if found:
            matches[row.line] = found
    existing = Customer.objects.in_bulk(set(matches.values()))
    changeable = set(
        Customer.objects.visible_to(actor, CHANGE)
        .filter(pk__in=set(matches.values()))
        .values_list("pk", flat=True)
    )
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
            instance = Customer(**row.values)
            _field_errors(
                row,
                instance,
                columns,
                exclude=["code", "owner", "department"]
                if not row.values.get("code")
                else ["owner", "department"],
            )
        elif pk not in changeable:
            owner = existing[pk].owner
            row.errors.append(
                RowError(
                    row.line,
                    columns.get("name", "name"),
                    str(row.values.get("name", "")),
                    _("A matching customer exists and is outside your scope (owner: %(owner)s).")
                    % {"owner": owner or _("none")},
                )
            )
            continue
        else:
            instance = existing[pk]
            for name, value in row.values.items():
                setattr(instance, name, value)
            _field_errors(row, instance, columns, exclude=["owner", "department"])
        if row.contact:
            if not row.contact.get("name"):
                row.errors.append(
                    RowError(
                        row.line,
                        columns.get("contact_name", "contact_name"),
                        "",
                        _("A contact needs a name."),
                    )
                )
            else:
                contact = Contact(customer=Customer(), **row.contact)
                try:
                    contact.full_clean(
                        exclude=["customer"], validate_unique=False, validate_constraints=False
                    )
                except ValidationError as exc:
                    reverse = {v: k for k, v in CONTACT_FIELDS.items()}
                    for name, messages in exc.message_dict.items():
                        column = columns.get(reverse.get(name, name), name)
                        for message in messages:
                            row.errors.append(
                                RowError(row.line, column, str(row.contact.get(name, "")), message)
                            )
    return matches


def read(
    data: bytes, filename: str, mapping: Mapping[str, str] | None = None
) -> tuple[Table, imports.ColumnMap]:
    table = imports.read_table(data, filename)
    colmap = imports.map_columns(table.headers, ALIASES, mapping, IMPORT_FIELDS)
    if "name" not in colmap.fields.values() and "code" not in colmap.fields.values():
        raise InvalidInput({"file": [_("The file needs a name column (客户名称 / name).")]})
    return table, colmap


def import_customers(
    data: bytes,
    *,
    filename: str,
    actor: Any,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mapping: Mapping[str, str] | None = None,
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate every row, then (unless a dry run) write them in one transaction."""
    progress = progress or (lambda label, done, total: None)
    table, colmap = read(data, filename, mapping)
    result = ImportResult(dry_run=dry_run, total=len(table.rows), ignored_columns=colmap.ignored)
    result.error_format = table.format
    index = _Index()
    rows = _parse_rows(table, colmap, actor)
    matches = _validate(rows, colmap, table, index, actor)
    progress(_("Checked"), len(rows), len(rows))
    for row in rows:
        result.errors.extend(row.errors)
    good = [row for row in rows if not row.errors]
    result.skipped = len(rows) - len(good)
    if dry_run:
        if batch is not None:
            _finish(batch, result, "checked", table)
        return _with_error_file(result, table)
    if batch is None:
        # The batch records the attempt (who, when, which file, what was wrong) even when the
        # atomic mode then writes no customer at all.
        batch = ImportBatch.objects.create(
            kind="customers", actor=actor if getattr(actor, "pk", None) else None,
            file_name=filename[:255], file_sha256=imports.sha256(data), status="running",
        )  # fmt: skip
    result.batch_id = batch.pk
    if result.errors and not skip_invalid:
        _finish(batch, result, "failed", table)
        return _with_error_file(result, table)
    try:
        with transaction.atomic():
            for done, row in enumerate(good, start=1):
                _write_row(row, matches.get(row.line), index, actor, batch, result, skip_invalid)
                if done % 200 == 0 or done == len(good):
                    progress(_("Imported"), done, len(good))
            if result.errors and not skip_invalid:
                raise _Abort
    except _Abort:
        result.created = result.updated = result.unchanged = 0
        _finish(batch, result, "failed", table)
        return _with_error_file(result, table)
    result.written = True
    _finish(batch, result, "done", table)
    return _with_error_file(result, table)


class _Abort(Exception):
    """Rolls the import's transaction back when a row fails at write time (atomic mode)."""


def _write_row(
    row: _Row,
    pk: int | None,
    index: _Index,
    actor: Any,
    batch: ImportBatch,
    result: ImportResult,
    skip_invalid: bool,
) -> None:
    # Re-match at write time too: an earlier row of the same file may have created the customer.
    pk = pk or index.match(row.values)
    try:
        # With skip_invalid a savepoint per row lets a failing row leave the others intact;
        # in the atomic mode any failure rolls the whole import back anyway.
        with transaction.atomic() if skip_invalid else contextlib.nullcontext():
            if pk is None:
                customer = customer_services.create_customer(
                    actor=actor, values=row.values, owner=row.owner, batch=batch
                )
                index.add(
                    customer.pk,
                    customer.code,
                    customer.phone_key,
                    customer.email_key,
                    customer.name_key,
                    customer.province,
                )
                result.created += 1
            else:
                customer = Customer.objects.visible_to(actor, CHANGE).get(pk=pk)
                before = customer.version
                customer = customer_services.update_customer(
                    customer, actor=actor, expected_version=None, changes=row.values, batch=batch
                )
                if row.owner is not None and customer.owner_id != row.owner.pk:
                    customer = customer_services.reassign_customers(
                        [customer], actor=actor, new_owner=row.owner
                    )[0]
                changed = customer.version != before
                if _write_contact(row, customer, actor, batch):
                    changed = True
                if changed:
                    result.updated += 1
                else:
                    result.unchanged += 1
                return
            _write_contact(row, customer, actor, batch, new=True)
    except (GuanxiError, Customer.DoesNotExist, IntegrityError) as exc:
        # IntegrityError: a concurrent writer took the code between the check and the insert.
        reason = exc.errors if isinstance(exc, InvalidInput) else str(exc)
        result.errors.append(RowError(row.line, "", "", str(reason)))
        result.skipped += 1
        if not skip_invalid:
            raise _Abort from exc


def _write_contact(
    row: _Row, customer: Customer, actor: Any, batch: ImportBatch, *, new: bool = False
) -> bool:
    """Create or update the row's contact; a just-created customer has none to look up."""
    if not row.contact:
        return False
    existing = (
        None if new else Contact.objects.filter(customer=customer, name=row.contact["name"]).first()
    )
    if existing is None:
        is_first = new or not Contact.objects.filter(customer=customer).exists()
        contact_services.create_contact(
            actor=actor,
            customer=customer,
            values={**row.contact, "is_primary": is_first},
            batch=batch,
        )
        return True
    updated = contact_services.update_contact(
        existing, actor=actor, expected_version=None, changes=row.contact, batch=batch
    )
    return updated.version != existing.version


def _finish(batch: ImportBatch, result: ImportResult, status: str, table: Table) -> None:
    """Store the outcome on the batch, with the bad rows' cells so the error file can be
    downloaded later (the API's status endpoint, another app server)."""
    cells = dict(table.rows)
    errors = []
    for error in result.errors[:2000]:
        item = error.as_dict()
        item["cells"] = cells.get(error.line, [])
        errors.append(item)
    batch.status = status
    batch.finished_at = timezone.now()
    batch.counts = {**result.counts(), "headers": table.headers}
    batch.errors = errors
    batch.save(update_fields=["status", "finished_at", "counts", "errors"])


def error_file_from_batch(batch: ImportBatch, fmt: str) -> bytes:
    headers = list(batch.counts.get("headers", []))
    table = Table(headers, [], fmt)
    seen: set[int] = set()
    errors = []
    for item in batch.errors:
        errors.append(RowError(item["line"], item["column"], item["value"], item["reason"]))
        if item["line"] not in seen:
            seen.add(item["line"])
            table.rows.append((item["line"], list(item.get("cells", []))))
    return imports.error_file(fmt, headers, table, errors)


def _with_error_file(result: ImportResult, table: Table) -> ImportResult:
    if result.errors:
        result.error_file = imports.error_file(
            result.error_format, table.headers, table, result.errors
        )
    return result


def template_file(fmt: str) -> bytes:
    """An empty import template: the field headers and one example row."""
    from guanxi.core import exports

    example = {
        "name": "张三贸易有限公司", "kind": "company", "status": "potential",
        "importance": "ordinary", "industry": "51", "province": "广东省", "city": "广州市",
        "district": "天河区",
        "phone": "13800138000", "email": "info@example.com", "tags": "华南,经销商",
        "annual_turnover": "5000000", "contact_name": "张三", "contact_title": "总经理",
        "contact_mobile": "13800138000",
    }  # fmt: skip
    return exports.write(
        fmt, list(TEMPLATE_FIELDS), [[example.get(f, "") for f in TEMPLATE_FIELDS]], "customers"
    )
