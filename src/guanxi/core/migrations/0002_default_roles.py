from django.db import migrations


def install(apps, schema_editor):
    from guanxi.core.role_defaults import DEFAULT_ROLES, ROLE_NAMES

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
