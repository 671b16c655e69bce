"""Claims that make background jobs idempotent across runs and machines."""

from django.db import models


class JobRun(models.Model):
    """One run of a job for one period key; the unique constraint is the cross-machine lock."""

    name = models.CharField(max_length=100)
    key = models.CharField(max_length=100)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="jobrun_unique_key")]

    def __str__(self) -> str:
        return f"{self.name}@{self.key}"
