"""Customers (客户), their contacts (联系人) and communication records (沟通记录).

The classification axes are those of the domain brief §1; the derived ones (ABC class, pyramid
tier, RFM, CLV, lifecycle stage) belong to the analytics module and appear on the 360° page
through its panel registry. ``search_text`` and the normalised phone/email columns are filled by
the services on every write (never by signals), so search and duplicate checks are one indexed
lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import OwnedRecord, SoftDeleteRecord
from guanxi.customers import reference

if TYPE_CHECKING:
    from decimal import Decimal

    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    # The fields the helpers below build, typed as django-stubs types a field declared inline
    # (set type, get type), since the plugin only infers those for direct field calls.
    _TextField = models.CharField[str | int | Combinable, str]
    _MoneyField = models.DecimalField[str | float | Decimal | Combinable | None, Decimal | None]
    _CountField = models.PositiveIntegerField[float | int | str | Combinable | None, int | None]

#: Mainland mobile (1xx xxxx xxxx), landline with area code, or international (+...) numbers.
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,24}$",
    _("Enter a phone number: digits, spaces, dashes, parentheses and an optional leading +."),
)


class Kind(models.TextChoices):
    COMPANY = "company", _("Company (企业)")
    PERSON = "person", _("Person (个人)")


class RelationshipType(models.TextChoices):
    CONSUMER = "consumer", _("Consumer (消费者)")
    BUSINESS = "business", _("Business B2B (企业客户)")
    CHANNEL = "channel", _("Channel/distributor (渠道)")
    INTERNAL = "internal", _("Internal (内部客户)")


class Status(models.TextChoices):
    POTENTIAL = "potential", _("Potential (潜在)")
    INTENTION = "intention", _("Intention (意向)")
    CURRENT = "current", _("Current (现有)")
    TERMINATED = "terminated", _("Terminated (已终止合作)")


class LifecycleStatus(models.TextChoices):
    NON_CUSTOMER = "non_customer", _("Non-customer (非客户)")
    POTENTIAL = "potential", _("Potential (潜在)")
    TARGET = "target", _("Target (目标)")
    CURRENT = "current", _("Current (现实)")
    CHURNED = "churned", _("Churned (流失)")


class Loyalty(models.TextChoices):
    LOYAL = "loyal", _("Loyal (忠诚)")
    RETURNING = "returning", _("Old/returning (老客户)")
    NEW = "new", _("New (新客户)")
    POTENTIAL = "potential", _("Potential (潜在)")


class Importance(models.TextChoices):
    VIP = "vip", _("VIP (贵宾型)")
    IMPORTANT = "important", _("Important (重要型)")
    ORDINARY = "ordinary", _("Ordinary (普通型)")


class ValueAbility(models.TextChoices):
    LIGHTHOUSE = "lighthouse", _("Lighthouse (灯塔型)")
    FOLLOWER = "follower", _("Follower (跟随型)")
    RATIONAL = "rational", _("Rational (理性)")
    PROFIT_SEEKING = "profit_seeking", _("Profit-seeking (逐利)")


class RelationshipDepth(models.TextChoices):
    BASIC = "basic", _("Basic (基本型)")
    PASSIVE = "passive", _("Passive (被动型)")
    RESPONSIBLE = "responsible", _("Responsible (负责型)")
    PROACTIVE = "proactive", _("Proactive (能动型)")
    PARTNER = "partner", _("Partner (伙伴型)")


class VisitFrequency(models.TextChoices):
    HEAVY = "heavy", _("Heavy, about weekly (重度)")
    MEDIUM = "medium", _("Medium, about monthly (中度)")
    LIGHT = "light", _("Light, about half-yearly (轻度)")


class Source(models.TextChoices):
    REFERRAL = "referral", _("Referral (转介绍)")
    WEBSITE = "website", _("Website (官网)")
    EXHIBITION = "exhibition", _("Exhibition (展会)")
    COLD_CALL = "cold_call", _("Cold call (电话开发)")
    ADVERTISING = "advertising", _("Advertising (广告)")
    CAMPAIGN = "campaign", _("Campaign (市场活动)")
    PARTNER = "partner", _("Partner (合作伙伴)")
    IMPORT = "import", _("Data migration (数据导入)")
    OTHER = "other", _("Other (其他)")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro, under 10 staff (微型)")
    SMALL = "small", _("Small, 10-99 (小型)")
    MEDIUM = "medium", _("Medium, 100-999 (中型)")
    LARGE = "large", _("Large, 1000+ (大型)")


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", _("Under 25")
    AGE_25_34 = "25_34", _("25-34")
    AGE_35_44 = "35_44", _("35-44")
    AGE_45_54 = "45_54", _("45-54")
    AGE_55_PLUS = "55_plus", _("55 and over")


#: The classification axes: field name → choices (each is a filter, a column and an API field).
AXES: dict[str, type[models.TextChoices]] = {
    "kind": Kind,
    "relationship_type": RelationshipType,
    "status": Status,
    "lifecycle_status": LifecycleStatus,
    "loyalty": Loyalty,
    "importance": Importance,
    "value_ability": ValueAbility,
    "relationship_depth": RelationshipDepth,
    "visit_frequency": VisitFrequency,
    "source": Source,
}


def _choice(
    choices: type[models.TextChoices], default: str, label: StrOrPromise, blank: bool = False
) -> _TextField:
    return models.CharField(
        label, max_length=20, choices=choices.choices, default=default, blank=blank, db_index=True
    )


def _money(label: StrOrPromise) -> _MoneyField:
    return models.DecimalField(
        label,
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


def _count(label: StrOrPromise) -> _CountField:
    return models.PositiveIntegerField(label, null=True, blank=True)


def _text(label: StrOrPromise, length: int = 200) -> _TextField:
    return models.CharField(label, max_length=length, blank=True, default="")


class Customer(OwnedRecord):
    """A company or a person the company serves, by name, with a record."""

    class Scope:
        module: ClassVar[str] = "customers"
        parent: ClassVar[str | None] = None

    code = models.CharField(_("customer code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    name_en = _text(_("Latin name"))
    kind = _choice(Kind, Kind.COMPANY, _("kind"))
    relationship_type = _choice(RelationshipType, RelationshipType.BUSINESS, _("relationship type"))
    status = _choice(Status, Status.POTENTIAL, _("status"))
    #: Set once by the sales module with the first confirmed order (成交状态: 已成交).
    dealt_on = models.DateField(_("dealt on (成交日期)"), null=True, blank=True, editable=False)
    lifecycle_status = _choice(LifecycleStatus, LifecycleStatus.POTENTIAL, _("lifecycle status"))
    loyalty = _choice(Loyalty, Loyalty.POTENTIAL, _("loyalty"))
    importance = _choice(Importance, Importance.ORDINARY, _("importance"))
    value_ability = _choice(ValueAbility, "", _("value-providing ability"), blank=True)
    relationship_depth = _choice(
        RelationshipDepth, RelationshipDepth.BASIC, _("relationship depth")
    )
    visit_frequency = _choice(VisitFrequency, "", _("visit frequency"), blank=True)
    source = _choice(Source, "", _("source"), blank=True)

    industry = models.CharField(_("industry"), max_length=2, blank=True, default="", db_index=True)
    province = models.CharField(_("province"), max_length=6, blank=True, default="", db_index=True)
    city = models.CharField(_("city"), max_length=6, blank=True, default="", db_index=True)
    district = models.CharField(_("district"), max_length=6, blank=True, default="")
    address = _text(_("address"), 300)
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, default="", validators=[phone_validator]
    )
    email = models.EmailField(_("email"), blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    #: Comma-delimited with a leading and trailing comma (",vip,北京,"), so a tag filter is one
    #: LIKE on both databases.
    tags = models.CharField(_("tags"), max_length=500, blank=True, default="")

    # A person: occupation and age band. A company: size and annual turnover.
    occupation = _text(_("occupation"), 100)
    age_band = models.CharField(
        _("age band"), max_length=10, choices=AgeBand.choices, blank=True, default=""
    )
    company_size = models.CharField(
        _("company size"), max_length=10, choices=CompanySize.choices, blank=True, default=""
    )
    annual_turnover = _money(_("annual turnover (CNY)"))

    # Profile, basic (基本信息).
    family_members = _text(_("family members"), 300)
    team_members = _text(_("team members"), 300)
    personality = _text(_("personality"))
    hobbies = _text(_("hobbies"))
    # Profile, business (业务信息).
    product_categories = _text(_("product categories"), 300)
    main_line = _text(_("main product line"))
    brands = _text(_("brands carried and their shares"), 500)
    # Profile, sales network (销售网络).
    own_stores = _count(_("own stores"))
    own_stores_revenue = _money(_("own stores' annual revenue (CNY)"))
    franchise_stores = _count(_("franchised stores"))
    franchise_stores_revenue = _money(_("franchised stores' annual revenue (CNY)"))
    counters = _count(_("counters"))
    outlets_city = _count(_("outlets at city level"))
    outlets_county = _count(_("outlets at county level"))
    outlets_township = _count(_("outlets at township level"))
    # Profile, logistics (物流信息).
    logistics_company = _text(_("logistics company"))
    logistics_address = _text(_("logistics address"), 300)
    logistics_contact = _text(_("logistics contact"))
    logistics_price = _money(_("logistics price (CNY)"))
    logistics_turnaround_days = _count(_("turnaround time (days)"))
    logistics_reputation = _text(_("logistics reputation"))

    notes = models.TextField(_("notes"), blank=True, default="")

    # Filled by the services: search over name/pinyin/initials/code/phone/email, and the
    # normalised keys duplicates are matched on.
    search_text = models.CharField(max_length=1000, blank=True, default="", editable=False)
    phone_key = models.CharField(max_length=30, blank=True, default="", editable=False)
    email_key = models.CharField(max_length=254, blank=True, default="", editable=False)
    name_key = models.CharField(max_length=200, blank=True, default="", editable=False)

    audit_exclude = OwnedRecord.audit_exclude | {"phone_key", "email_key", "name_key"}

    class Meta(OwnedRecord.Meta):
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(deleted_at__isnull=True),
                name="customer_code_unique_live",
                violation_error_message=_("A customer with this code already exists."),
            )
        ]
        indexes = [
            models.Index(fields=["search_text"], name="customer_search_idx"),
            models.Index(fields=["phone_key"], name="customer_phone_key_idx"),
            models.Index(fields=["email_key"], name="customer_email_key_idx"),
            models.Index(fields=["name_key", "province"], name="customer_name_key_idx"),
            models.Index(fields=["owner", "deleted_at"], name="customer_owner_idx"),
            models.Index(fields=["department", "deleted_at"], name="customer_dept_idx"),
            # The list's default sort and the name sort, without a full sort per page.
            models.Index(fields=["updated_at", "id"], name="customer_updated_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def region_label(self) -> str:
        return reference.region_label(self.province, self.city, self.district)

    @property
    def industry_label(self) -> str:
        name = reference.industry_name(self.industry)
        return f"{self.industry} {name}" if name else ""

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        regions = reference.regions()
        for level in ("province", "city", "district"):
            code = getattr(self, level)
            if code and (code not in regions or regions[code].level != level):
                errors[level] = _("Not a %(level)s in the region list.") % {"level": level}
        if not errors:
            if self.city and regions[self.city].parent != self.province:
                errors["city"] = _("This city is not in the chosen province.")
            if self.district and regions[self.district].parent not in {self.city, self.province}:
                errors["district"] = _("This district is not in the chosen city.")
        industry = reference.industries().get(self.industry) if self.industry else None
        if self.industry and (industry is None or not industry.parent):
            errors["industry"] = _("Not a division of the industry classification.")
        if self.kind == Kind.PERSON and (self.company_size or self.annual_turnover is not None):
            errors["company_size"] = _("Company size and turnover apply to companies only.")
        if self.kind == Kind.COMPANY and (self.age_band or self.occupation):
            errors["age_band"] = _("Occupation and age band apply to persons only.")
        if errors:
            raise ValidationError(errors)


def customer_field_label(name: str) -> StrOrPromise:
    """The verbose name of a concrete customer field (``get_field`` may also return relations,
    which have none)."""
    field = Customer._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.verbose_name


class Contact(SoftDeleteRecord):
    """A person at a customer (联系人); follows the customer's scope."""

    class Scope:
        module: ClassVar[str] = "customers"
        parent: ClassVar[str | None] = "customer"

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    title = _text(_("title"), 100)
    mobile = models.CharField(
        _("mobile"), max_length=30, blank=True, default="", validators=[phone_validator]
    )
    phone = models.CharField(
        _("office phone"), max_length=30, blank=True, default="", validators=[phone_validator]
    )
    email = models.EmailField(_("email"), blank=True, default="")
    email_other = models.EmailField(_("other email"), blank=True, default="")
    wechat = _text(_("WeChat id"), 64)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, default="")
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta(SoftDeleteRecord.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "pk"]
        indexes = [models.Index(fields=["name", "id"], name="contact_name_idx")]

    def __str__(self) -> str:
        return self.name


class Activity(SoftDeleteRecord):
    """A communication record (沟通记录): a call, visit, email, meeting or note on the timeline."""

    class Scope:
        module: ClassVar[str] = "customers"
        parent: ClassVar[str | None] = "customer"

    class Kind(models.TextChoices):
        CALL = "call", _("Call (电话)")
        VISIT = "visit", _("Visit (拜访)")
        EMAIL = "email", _("Email (邮件)")
        MEETING = "meeting", _("Meeting (会议)")
        NOTE = "note", _("Note (备注)")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    participants = _text(_("participants"), 300)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    outcome = models.TextField(_("outcome"), blank=True, default="")
    next_step = _text(_("next step"), 300)
    next_contact_at = models.DateTimeField(_("next contact"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(SoftDeleteRecord.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["customer", "occurred_at"], name="activity_timeline_idx")]

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        if self.contact_id and self.customer_id:
            contact = self.contact
            assert contact is not None  # contact_id is set
            if contact.customer_id != self.customer_id:
                raise ValidationError({"contact": _("This contact belongs to another customer.")})
