"""The demo data framework: seeded, reproducible, extended by each module's generator.

``guanxi demo`` calls :func:`build`, which creates the organisation (a company, two sales
departments each with a team, a manager and representatives in each, one user for every other
role) and then runs every registered generator in order with the same seeded random source.
Modules register generators in their AppConfig.ready() with :func:`register`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from guanxi.core.models import Department, User
from guanxi.core.services import org

#: The demo's well-known password; demo users exist only in demo mode (never in production).
DEMO_PASSWORD = "guanxi-demo-2026"  # noqa: S105  (printed by `guanxi demo`; demo mode only)


@dataclass
class DemoContext:
    rng: random.Random
    seed: int
    options: dict[str, Any]
    users: dict[str, User] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    progress: Callable[[str, int, int], None] = lambda label, done, total: None

    @property
    def sales_reps(self) -> list[User]:
        return [u for k, u in self.users.items() if k.startswith("rep")]

    @property
    def admin(self) -> User:
        return self.users["admin"]


@dataclass(frozen=True)
class Generator:
    name: str
    func: Callable[[DemoContext], None]
    order: int


GENERATORS: dict[str, Generator] = {}


def register(name: str, func: Callable[[DemoContext], None], order: int = 100) -> None:
    GENERATORS[name] = Generator(name, func, order)


#: (username, display name, department key, roles, superior username)
DEMO_USERS: list[tuple[str, str, str, list[str], str | None]] = [
    ("admin", "管理员 Admin", "company", ["administrator"], None),
    ("manager1", "王经理 Wang (East manager)", "east", ["sales_manager"], None),
    ("rep1", "李娜 Li Na", "east_team", ["sales_rep"], "manager1"),
    ("rep2", "张伟 Zhang Wei", "east_team", ["sales_rep"], "manager1"),
    ("manager2", "陈经理 Chen (South manager)", "south", ["sales_manager"], None),
    ("rep3", "刘洋 Liu Yang", "south_team", ["sales_rep"], "manager2"),
    ("rep4", "Emily Zhao", "south_team", ["sales_rep"], "manager2"),
    ("service1", "周敏 Zhou Min (service)", "service", ["service_agent"], None),
    ("marketing1", "吴芳 Wu Fang (marketing)", "marketing", ["marketing"], None),
    ("analyst1", "郑凯 Zheng Kai (analyst)", "company", ["analyst"], None),
]

DEMO_DEPARTMENTS: list[tuple[str, str, str, str | None]] = [
    ("company", "关系贸易有限公司 Guanxi Trading Ltd.", "company", None),
    ("east", "华东销售部 East China Sales", "department", "company"),
    ("east_team", "上海一组 Shanghai Team 1", "team", "east"),
    ("south", "华南销售部 South China Sales", "department", "company"),
    ("south_team", "广州一组 Guangzhou Team 1", "team", "south"),
    ("service", "客户服务部 Customer Service", "department", "company"),
    ("marketing", "市场部 Marketing", "department", "company"),
]


def build_organisation(ctx: DemoContext) -> None:
    org.install_default_roles()
    for key, name, kind, parent_key in DEMO_DEPARTMENTS:
        existing = Department.objects.filter(name=name).first()
        ctx.departments[key] = existing or org.create_department(
            actor=_system_actor(),
            name=name,
            kind=kind,
            parent=ctx.departments.get(parent_key) if parent_key else None,
        )
    for username, display, dept_key, roles, superior in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = org.create_user(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                department=ctx.departments[dept_key],
                roles=roles,
                superior=ctx.users.get(superior) if superior else None,
                display_name=display,
                check_actor=False,
            )
        ctx.users[username] = user


def _system_actor() -> User:
    """Stands in for an administrator while the demo builds the organisation: an unsaved
    superuser (no pk, so nothing records it as anybody's actor)."""
    return User(username="demo-setup", is_active=True, is_superuser=True)


def build(
    *, seed: int = 2026, options: dict[str, Any] | None = None, progress: Any = None
) -> DemoContext:
    """Create the demo organisation and run every registered generator (idempotent per seed:
    an already-built database is left as it is)."""
    from django.conf import settings

    if settings.PRODUCTION:
        # The demo's well-known logins never exist in a production database.
        raise RuntimeError("the demo data is refused in production mode (GUANXI_MODE=production)")
    ctx = DemoContext(rng=random.Random(seed), seed=seed, options=options or {})
    if progress is not None:
        ctx.progress = progress
    with transaction.atomic():
        build_organisation(ctx)
    for generator in sorted(GENERATORS.values(), key=lambda g: g.order):
        generator.func(ctx)
    return ctx


def logins() -> list[tuple[str, str, str]]:
    """(username, password, description) of the demo users, for printing."""
    return [(u, DEMO_PASSWORD, d) for u, d, _dept, _roles, _sup in DEMO_USERS]
