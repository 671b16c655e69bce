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
        "api:add_instalment": SCOPED,
        "api:cancel_order": SCOPED,
        "api:confirm_order": SCOPED,
        "api:create_order": SIGNED_IN,
        "api:delete_instalment": SCOPED,
        "api:delete_order": SCOPED,
        "api:deliver_order": SCOPED,
        "api:get_order": SCOPED,
        "api:get_payment": SCOPED,
        "api:get_report": SCOPED,
        "api:list_orders": SIGNED_IN,
        "api:list_payments": SIGNED_IN,
        "api:list_receivables": SIGNED_IN,
        "api:record_payment": SIGNED_IN,
        "api:replace_order_lines": SCOPED,
        "api:reverse_payment": SCOPED,
        "api:update_instalment": SCOPED,
        "api:update_order": SCOPED,
        "api:update_payment": SCOPED,
        "sales:import": SIGNED_IN,
        "sales:import_errors": SCOPED,
        "sales:import_template": SIGNED_IN,
        "sales:order_action": SCOPED,
        "sales:order_create": SIGNED_IN,
        "sales:order_delete": SCOPED,
        "sales:order_detail": SCOPED,
        "sales:order_edit": SCOPED,
        "sales:order_list": SIGNED_IN,
        "sales:payment_list": SIGNED_IN,
        "sales:payment_reverse": SCOPED,
        "sales:receivables": SIGNED_IN,
        "sales:report": SIGNED_IN,
        "sales:reports": SIGNED_IN,
        "sales:order_bin": SCOPED,
        "sales:order_restore": SCOPED,
    }
)
