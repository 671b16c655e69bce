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
        "api:assign_leads": SIGNED_IN,
        "api:complete_task": SCOPED,
        "api:convert_lead": SCOPED,
        "api:create_lead": SIGNED_IN,
        "api:create_opportunity": SIGNED_IN,
        "api:create_task": SIGNED_IN,
        "api:delete_lead": SCOPED,
        "api:delete_opportunity": SCOPED,
        "api:delete_task": SCOPED,
        "api:disqualify_lead": SCOPED,
        "api:get_lead": SCOPED,
        "api:get_opportunity": SCOPED,
        "api:get_report": SCOPED,
        "api:get_task": SCOPED,
        "api:lead_duplicates": SCOPED,
        "api:list_leads": SIGNED_IN,
        "api:list_opportunities": SIGNED_IN,
        "api:list_receivables": SIGNED_IN,
        "api:list_tasks": SIGNED_IN,
        "api:log_task_activity": SCOPED,
        "api:move_opportunity": SCOPED,
        "api:opportunity_history": SCOPED,
        "api:reassign_opportunities": SIGNED_IN,
        "api:replace_opportunity_lines": SCOPED,
        "api:restore_lead": SCOPED,
        "api:restore_opportunity": SCOPED,
        "api:round_robin": SIGNED_IN,
        "api:update_lead": SCOPED,
        "api:update_opportunity": SCOPED,
        "api:update_task": SCOPED,
        "sales:board": SIGNED_IN,
        "sales:calendar": SIGNED_IN,
        "sales:import": SIGNED_IN,
        "sales:import_errors": SCOPED,
        "sales:import_template": SIGNED_IN,
        "sales:lead_assign": SIGNED_IN,
        "sales:lead_convert": SCOPED,
        "sales:lead_create": SIGNED_IN,
        "sales:lead_delete": SCOPED,
        "sales:lead_detail": SCOPED,
        "sales:lead_edit": SCOPED,
        "sales:lead_list": SIGNED_IN,
        "sales:opportunity_create": SIGNED_IN,
        "sales:opportunity_delete": SCOPED,
        "sales:opportunity_detail": SCOPED,
        "sales:opportunity_edit": SCOPED,
        "sales:opportunity_lines": SCOPED,
        "sales:opportunity_list": SIGNED_IN,
        "sales:opportunity_move": SCOPED,
        "sales:receivables": SIGNED_IN,
        "sales:report": SIGNED_IN,
        "sales:reports": SIGNED_IN,
        "sales:task_complete": SCOPED,
        "sales:task_create": SIGNED_IN,
        "sales:task_delete": SCOPED,
        "sales:task_detail": SCOPED,
        "sales:task_edit": SCOPED,
        "sales:task_list": SIGNED_IN,
        "sales:task_log": SCOPED,
        "sales:lead_bin": SCOPED,
        "sales:lead_restore": SCOPED,
        "sales:opportunity_bin": SCOPED,
        "sales:opportunity_restore": SCOPED,
        "sales:task_bin": SCOPED,
        "sales:task_restore": SCOPED,
    }
)
