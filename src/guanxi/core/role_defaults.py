"""The default roles and their data scopes (plain data; used by a data migration and the demo).

Scopes per module as (view, change). Sales managers may edit within their department subtree,
service agents and marketing specialists see every customer and change none, analysts see all
and change nothing.
"""

ALL, TREE, OWN, NONE = "all", "department_tree", "own", "none"

DEFAULT_ROLES: dict[str, dict[str, tuple[str, str]]] = {
    "administrator": {m: (ALL, ALL) for m in ("customers", "sales", "service", "marketing")},
    "sales_manager": {
        "customers": (TREE, TREE),
        "sales": (TREE, TREE),
        "service": (TREE, NONE),
        "marketing": (TREE, NONE),
    },
    "sales_rep": {
        "customers": (OWN, OWN),
        "sales": (OWN, OWN),
        "service": (OWN, NONE),
        "marketing": (NONE, NONE),
    },
    "service_agent": {
        "customers": (ALL, NONE),
        "sales": (ALL, NONE),
        "service": (ALL, ALL),
        "marketing": (NONE, NONE),
    },
    "marketing": {
        "customers": (ALL, NONE),
        "sales": (ALL, NONE),
        "service": (NONE, NONE),
        "marketing": (ALL, ALL),
    },
    "analyst": {m: (ALL, NONE) for m in ("customers", "sales", "service", "marketing")},
}

ROLE_NAMES = {
    "administrator": "Administrator",
    "sales_manager": "Sales manager",
    "sales_rep": "Sales representative",
    "service_agent": "Service agent",
    "marketing": "Marketing specialist",
    "analyst": "Analyst",
}

#: Roles whose members may manage users, departments and roles in Guanxi's admin pages.
ORGANISATION_MANAGERS = {"administrator"}
