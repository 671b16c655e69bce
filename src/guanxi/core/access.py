"""Who may reach each route: the rule travels with the route's declaration.

Generated resource routes declare their rules when core builds them; a module declares the rules
of its hand-written routes next to them (``declare``). ``tests/core/test_routes.py`` fails for any
URL pattern or API route without a rule, so a route cannot ship before somebody decided.
"""

from __future__ import annotations

from collections.abc import Mapping

PUBLIC = "public"  # anyone: the login page and the language switch
SIGNED_IN = "signed_in"  # any signed-in user; the view narrows to what they may see itself
ORG_ADMIN = "org_admin"  # administrators only (403 for everyone else)
SCOPED = "scoped"  # records behind visible_to(): 404 outside view scope, 403 read-only
SUPERUSER = "superuser"  # the Django admin, a superuser's repair tool

RULES = frozenset({PUBLIC, SIGNED_IN, ORG_ADMIN, SCOPED, SUPERUSER})

_RULES: dict[str, str] = {}


def declare(name: str, rule: str) -> None:
    """Record the rule of one route, by its full URL name ("api:list_customers")."""
    if rule not in RULES:
        raise ValueError(f"unknown access rule {rule!r} for {name}")
    _RULES[name] = rule


def declare_many(namespace: str, rules: Mapping[str, str]) -> None:
    for name, rule in rules.items():
        declare(f"{namespace}:{name}", rule)


def rule_for(name: str) -> str | None:
    return _RULES.get(name)


def all_rules() -> dict[str, str]:
    return dict(_RULES)
