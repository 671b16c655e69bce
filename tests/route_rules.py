"""Access rules of the business modules' routes, checked by tests/core/test_routes.py.

``scoped`` routes read their records through ``visible_to``; the modules' own tests check
404 outside the view scope and 403 for read-only users on each of them.
"""

SCOPED = "scoped"
SIGNED_IN = "signed_in"

MODULE_RULES: dict[str, str] = {}


# The sales module (guanxi.sales): record routes are scoped; lists, creates, reports and
# the import narrow to the caller's scope themselves.
MODULE_RULES.update(
    {
        "api:get_report": SCOPED,
        "api:list_receivables": SIGNED_IN,
        "sales:import": SIGNED_IN,
        "sales:import_errors": SCOPED,
        "sales:import_template": SIGNED_IN,
        "sales:receivables": SIGNED_IN,
        "sales:report": SIGNED_IN,
        "sales:reports": SIGNED_IN,
    }
)
