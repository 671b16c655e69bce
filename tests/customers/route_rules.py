"""Access rules of the customers module's routes (merged into tests/route_rules.py)."""

SCOPED = "scoped"
SIGNED_IN = "signed_in"

_SCOPED_PAGES = [
    "customer_list", "customer_create", "customer_detail", "customer_edit", "customer_delete",
    "customer_restore", "customer_reassign", "customer_bin", "customer_bulk_reassign",
    "duplicate_list", "merge", "import", "contact_create", "contact_list", "contact_bin",
    "contact_detail", "contact_edit", "contact_delete", "contact_restore", "activity_create",
    "activity_list", "activity_bin", "activity_detail", "activity_edit", "activity_delete",
    "activity_restore",
]  # fmt: skip
#: Signed-in routes that hold no scoped record (reference lists, templates, the user's own
#: saved filters and import batches; the duplicate check reveals only existence and owner).
_SIGNED_IN_PAGES = [
    "region_options",
    "import_template",
    "import_errors",
    "saved_filter",
    "duplicate_check",
]
_SCOPED_API = [
    "list_customers", "get_customer", "create_customer", "update_customer", "delete_customer",
    "restore_customer", "reassign_customer", "bulk_reassign", "import_customers",
    "list_contacts", "get_contact", "create_contact", "update_contact", "delete_contact",
    "restore_contact", "list_activities", "get_activity", "create_activity", "update_activity",
    "delete_activity", "restore_activity",
]  # fmt: skip
_SIGNED_IN_API = ["check_customer", "import_status"]

CUSTOMERS_RULES: dict[str, str] = {
    **{f"customers:{n}": SCOPED for n in _SCOPED_PAGES},
    **{f"customers:{n}": SIGNED_IN for n in _SIGNED_IN_PAGES},
    **{f"api:{n}": SCOPED for n in _SCOPED_API},
    **{f"api:{n}": SIGNED_IN for n in _SIGNED_IN_API},
}
