from django.db import migrations


def create(apps, schema_editor):
    from guanxi.sales.default_pipeline import DEFAULT_PIPELINE_NAME, DEFAULT_STAGES

    Pipeline = apps.get_model("sales", "Pipeline")
    Stage = apps.get_model("sales", "Stage")
    if Pipeline._base_manager.filter(is_default=True, deleted_at__isnull=True).exists():
        return
    pipeline = Pipeline._base_manager.create(name=DEFAULT_PIPELINE_NAME, is_default=True)
    for position, (name, probability, kind) in enumerate(DEFAULT_STAGES):
        Stage._base_manager.create(
            pipeline=pipeline, name=name, position=position, probability=probability, kind=kind
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
