"""Job runs become leases with progress; runs from before keep their outcome."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def settle_existing_runs(apps, schema_editor):
    """Claims made before leases: finished ones are done; unfinished ones never will be."""
    JobRun = apps.get_model("core", "JobRun")
    JobRun.objects.update(created_at=models.F("started_at"))
    JobRun.objects.filter(finished_at__isnull=False).update(status="done")
    JobRun.objects.filter(finished_at__isnull=True).update(
        status="failed", error="stopped before job leases existed"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_rolescope_module_registry'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='jobrun',
            options={'verbose_name': 'job run', 'verbose_name_plural': 'job runs'},
        ),
        migrations.AddField(
            model_name='jobrun',
            name='attempts',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='batch',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.importbatch'),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='jobrun',
            name='done',
            field=models.PositiveIntegerField(default=0, verbose_name='done'),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='error',
            field=models.TextField(blank=True, default='', verbose_name='error'),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='lease_expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='message',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='message'),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='owner_token',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='running', max_length=20, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='total',
            field=models.PositiveIntegerField(default=0, verbose_name='total'),
        ),
        migrations.AddField(
            model_name='jobrun',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by'),
        ),
        migrations.AlterField(
            model_name='jobrun',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished'),
        ),
        migrations.AlterField(
            model_name='jobrun',
            name='name',
            field=models.CharField(max_length=100, verbose_name='job'),
        ),
        migrations.AlterField(
            model_name='jobrun',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started'),
        ),
        migrations.AddIndex(
            model_name='jobrun',
            index=models.Index(fields=['status', 'lease_expires_at'], name='jobrun_lease_idx'),
        ),
        migrations.AddIndex(
            model_name='jobrun',
            index=models.Index(fields=['user', '-created_at'], name='jobrun_user_idx'),
        ),
        migrations.RunPython(settle_existing_runs, migrations.RunPython.noop),
    ]
