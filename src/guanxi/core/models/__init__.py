"""Platform models, one module per concept."""

from guanxi.core.models.attachments import Attachment
from guanxi.core.models.audit import AuditEvent, ImportBatch
from guanxi.core.models.jobs import JobRun
from guanxi.core.models.module_settings import ModuleSettingValues, SettingChange
from guanxi.core.models.org import Department, User
from guanxi.core.models.records import (
    AuditedQuerySet,
    Collaborator,
    OwnedRecord,
    SoftDeleteRecord,
)
from guanxi.core.models.reference import ReferenceRecord
from guanxi.core.models.roles import DataScope, Role, RoleScope
from guanxi.core.models.saved_filters import SavedFilter
from guanxi.core.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "AuditedQuerySet",
    "Collaborator",
    "DataScope",
    "Department",
    "ImportBatch",
    "JobRun",
    "ModuleSettingValues",
    "OwnedRecord",
    "ReferenceRecord",
    "Role",
    "RoleScope",
    "SavedFilter",
    "SettingChange",
    "SoftDeleteRecord",
    "User",
]
