from django.db import migrations

# The six roles and their scopes as they were when this migration was written: frozen here,
# since a migration must not read app code that changes (roles now come from the module
# registry and are topped up after every migrate by ``install_default_roles``).
ALL, TREE, OWN, NONE = "all", "department_tree", "own", "none"
MODULES = ("customers", "sales", "service", "marketing")

DEFAULT_ROLES = {
    "administrator": {m: (ALL, ALL) for m in MODULES},
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
    "analyst": {m: (ALL, NONE) for m in MODULES},
}

ROLE_NAMES = {
    "administrator": "Administrator",
    "sales_manager": "Sales manager",
    "sales_rep": "Sales representative",
    "service_agent": "Service agent",
    "marketing": "Marketing specialist",
    "analyst": "Analyst",
}


def install(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Role = apps.get_model("core", "Role")
    RoleScope = apps.get_model("core", "RoleScope")
    for code, scopes in DEFAULT_ROLES.items():
        group, _ = Group.objects.get_or_create(name=ROLE_NAMES[code])
        role, _ = Role.objects.get_or_create(
            code=code, defaults={"group": group, "name": ROLE_NAMES[code]}
        )
        for module, (view, change) in scopes.items():
            RoleScope.objects.get_or_create(
                role=role, module=module, defaults={"view": view, "change": change}
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
