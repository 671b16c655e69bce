"""Domain errors the views and the API turn into 404 / 403 / 409 / 400 answers."""

from __future__ import annotations

from django.utils.translation import gettext as _


class GuanxiError(Exception):
    """Base of the errors services raise on purpose."""


class RecordNotFound(GuanxiError):
    """Missing, or outside the user's view scope: the two are indistinguishable on purpose."""


class NotAllowed(GuanxiError):
    """Visible to the user, but not changeable by them (403)."""


class StaleVersion(GuanxiError):
    """The record changed since the user's copy was read (409); names the changed fields."""

    def __init__(self, changed_fields: list[str], current_version: int) -> None:
        self.changed_fields = changed_fields
        self.current_version = current_version
        super().__init__(
            _("This record was changed by someone else since you opened it (fields: %(fields)s).")
            % {"fields": ", ".join(changed_fields) or "-"}
        )


class InvalidInput(GuanxiError):
    """Bad input; ``errors`` maps a field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
