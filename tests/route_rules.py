"""Access rules of the business modules' routes, checked by tests/core/test_routes.py.

``scoped`` routes read their records through ``visible_to``; the modules' own tests check
404 outside the view scope and 403 for read-only users on each of them.
"""

SCOPED = "scoped"
SIGNED_IN = "signed_in"

MODULE_RULES: dict[str, str] = {}

from tests.customers.route_rules import CUSTOMERS_RULES  # noqa: E402

MODULE_RULES.update(CUSTOMERS_RULES)
