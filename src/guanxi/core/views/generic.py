"""Generic record pages: list, detail, create/edit, delete, restore, recycle bin, bulk actions.

Each view applies the scope rule once per request (``visible_to`` or ``get_visible``), turns the
services' domain errors into answers (out of scope → 404 exactly like missing; visible but not
changeable → 403; stale → the form again with what changed) and, on an htmx request, returns
the table fragment from the same view. A module's page is a few declarations on a subclass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from guanxi.core import exports
from guanxi.core.errors import InvalidInput, NotAllowed, RecordNotFound, StaleVersion
from guanxi.core.filters import CONTROL_PARAMS, FilterSet
from guanxi.core.models import SavedFilter, User
from guanxi.core.resources.declaration import Resource
from guanxi.core.resources.exporting import export_bytes
from guanxi.core.scopes import CHANGE, VIEW, can, may_act
from guanxi.core.services import records
from guanxi.core.services.audit import history
from guanxi.core.signed_in import signed_in_user

#: Query parameters a list page uses for itself (not filters, not kept in saved filters).
PAGE_PARAMS = frozenset({"page", "page_size", "format", "saved"})


_Response = TypeVar("_Response", bound=HttpResponseBase)


def as_http_errors(func: Callable[..., _Response]) -> Callable[..., _Response]:
    """Domain errors → Http404 / PermissionDenied, for function views."""

    def wrapped(*args: Any, **kwargs: Any) -> _Response:
        try:
            return func(*args, **kwargs)
        except RecordNotFound:
            raise Http404 from None
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None

    wrapped.__name__ = getattr(func, "__name__", "view")
    wrapped.__doc__ = func.__doc__
    return wrapped


class RecordView(LoginRequiredMixin, View):
    """Base of the generic views: the model, and domain errors turned into HTTP answers."""

    #: A business record model (``objects``/``all_objects`` managers and a ``Scope``).
    model: ClassVar[Any]
    #: URL names: "<namespace>:<model>_list" etc.; subclasses set ``url_prefix``.
    url_prefix: ClassVar[str] = ""
    #: A declared resource: the list takes its filters (contributed keys added, gated keys
    #: dropped for this user), joins and export columns; the edit, delete and restore views
    #: its form fields and services, so a plain resource's views are declarations only.
    resource: ClassVar[str] = ""

    def declaration(self) -> Any:
        from guanxi.core import resources

        return resources.get(self.resource) if self.resource else None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except RecordNotFound:
            raise Http404 from None
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None

    @property
    def actor(self) -> User:
        """The signed-in user (LoginRequiredMixin has let only them in)."""
        return signed_in_user(self.request)

    def url(self, action: str, *args: Any) -> str:
        return reverse(f"{self.url_prefix}_{action}", args=args)

    def base_context(self) -> dict[str, Any]:
        return {
            "model_name": self.model._meta.verbose_name,
            "model_name_plural": self.model._meta.verbose_name_plural,
            "url_prefix": self.url_prefix,
        }


def filter_params(request: HttpRequest, list_name: str, filterset: FilterSet) -> QueryDict:
    """The list's parameters: the query string, or a saved filter's (validated again on run)."""
    params = request.GET.copy()
    saved_id = params.get("saved")
    if saved_id:
        saved = SavedFilter.objects.filter(
            pk=int(saved_id) if saved_id.isdigit() else 0,
            user=signed_in_user(request),
            list_name=list_name,
        ).first()
        if saved is None:
            raise Http404
        stored = QueryDict(mutable=True)
        for key, value in saved.query.items():
            for item in value if isinstance(value, list) else [value]:
                stored.appendlist(key, str(item))
        for key in PAGE_PARAMS - {"saved"}:
            if key in params:
                stored.setlist(key, params.getlist(key))
        params = stored
    return params


class ObjectListView(RecordView):
    """A filtered, sorted, paginated list of the records the user may view.

    ``export`` (``queryset, fmt → bytes``) serves ``?format=csv|xlsx`` of the same filtered
    list, scoped like the page.
    """

    filterset: ClassVar[FilterSet]
    #: The generic list renders the declaration's columns; a page of its own may override.
    template_name: ClassVar[str] = "core/generic/object_list.html"
    table_template: ClassVar[str] = "core/generic/_object_table.html"
    list_name: ClassVar[str]
    page_size: ClassVar[int] = 25
    max_page_size: ClassVar[int] = 200
    export: ClassVar[Callable[[Any, str], bytes] | None] = None
    export_filename: ClassVar[str] = "export"
    select_related: ClassVar[tuple[str, ...]] = ()
    prefetch_related: ClassVar[tuple[str, ...]] = ()

    def page_actions(self) -> set[str]:
        """Which of the resource's generic pages exist (a page set may leave some out), so the
        generic list links only to those."""
        found = set()
        for action, args in (("create", ()), ("edit", (1,)), ("delete", (1,)), ("bin", ())):
            try:
                reverse(f"{self.url_prefix}_{action}", args=args)
            except NoReverseMatch:
                continue
            found.add(action)
        return found

    def get_filterset(self) -> FilterSet:
        declared: Resource | None = self.declaration()
        if declared is None:
            return self.filterset
        user = self.actor
        return declared.with_filters(lambda module: may_act(user, module, VIEW))

    def get_queryset(self) -> models.QuerySet[Any]:
        declared = self.declaration()
        queryset: models.QuerySet[Any]
        if declared is not None:
            from guanxi.core.resources.api_routes import queryset as declared_rows

            queryset = declared_rows(declared, self.actor)
        else:
            queryset = self.model.objects.visible_to(self.actor, VIEW)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def extra_context(self) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest) -> HttpResponse:
        user = self.actor
        filterset = self.get_filterset()
        params = filter_params(request, self.list_name, filterset)
        filter_errors: dict[str, list[str]] = {}
        queryset = self.get_queryset()
        query = params.copy()
        for key in PAGE_PARAMS:
            query.pop(key, None)
        try:
            queryset = filterset.apply(queryset, query)
        except InvalidInput as exc:
            filter_errors = exc.errors
            queryset = queryset.none()
        fmt = params.get("format", "")
        if fmt:
            declared = self.declaration()
            exportable = self.export is not None or (declared is not None and declared.columns)
            if not exportable or fmt not in exports.CONTENT_TYPES:
                raise Http404
            if filter_errors:
                return HttpResponse(str(filter_errors), status=400, content_type="text/plain")
            if declared is not None and self.export is None:
                content = export_bytes(declared, queryset, fmt, user)
            else:
                content = type(self).export(queryset, fmt)  # type: ignore[misc]
            return exports.file_response(content, f"{self.export_filename}.{fmt}", fmt)
        try:
            size = min(max(int(params.get("page_size", self.page_size)), 1), self.max_page_size)
        except ValueError:
            size = self.page_size
        page = Paginator(queryset, size).get_page(params.get("page"))
        sort = params.get("sort") or filterset.default_sort
        context = {
            **self.base_context(),
            "page": page,
            "objects": page.object_list,
            "params": params,
            "sort": sort,
            "filter_errors": filter_errors,
            "list_name": self.list_name,
            "saved_filters": SavedFilter.objects.filter(user=self.actor, list_name=self.list_name),
            "filter_query": query.urlencode(),
            **self.extra_context(),
        }
        declared = self.declaration()
        if declared is not None and declared.columns:
            context["columns"] = declared.columns
            columns = declared.columns
            # A callable, so only the generic table (which shows the cells) pays for them.
            context["rows"] = lambda: [(obj, [c.get(obj) for c in columns]) for obj in page]
            context["can_create"] = declared.may_write(user)
            context["page_actions"] = self.page_actions()
        template = self.table_template if getattr(request, "htmx", False) else self.template_name
        return render(request, template, context, status=400 if filter_errors else 200)


class ObjectDetailView(RecordView):
    template_name: ClassVar[str]

    def get_object(self, pk: Any) -> models.Model:
        record: models.Model = records.get_visible(self.model, pk, self.actor, VIEW)
        return record

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        obj = self.get_object(pk)
        context = {
            **self.base_context(),
            "object": obj,
            "can_change": can(self.actor, obj, CHANGE),
            **self.extra_context(obj),
        }
        return render(request, self.template_name, context)


def changes_since(record: models.Model, version: int) -> list[dict[str, Any]]:
    """What others changed after ``version``: field label, old → new, who and when."""
    rows = []
    for event in history(record).filter(version__gt=version).order_by("at", "id"):
        for name, (old, new) in event.changes.items():
            try:
                label = getattr(record._meta.get_field(name), "verbose_name", name)
            except Exception:  # a pseudo-field such as "merged_from"
                label = name
            rows.append({"field": label, "old": old, "new": new, "by": event.actor, "at": event.at})
    return rows


class ObjectEditView(RecordView):
    """Create (no pk) or edit (pk) a record through the module's services.

    Subclasses implement :meth:`create` and :meth:`update`; the form carries the record's
    version, and an edit made on a stale copy is refused with what changed meanwhile.
    """

    form_class: ClassVar[type[forms.BaseForm]]
    template_name: ClassVar[str] = "core/generic/object_edit.html"

    def get_object(self, pk: Any) -> models.Model | None:
        if pk is None:
            self.check_create_permission()
            return None
        record: models.Model = records.get_visible(self.model, pk, self.actor, CHANGE)
        return record

    def check_create_permission(self) -> None:
        """Nobody without a change scope in the model's module may open a create form."""
        declared = self.declaration()
        allowed = (
            declared.may_write(self.actor)
            if declared is not None
            else may_act(self.actor, self.model.Scope.module, CHANGE)
        )
        if not allowed:
            raise NotAllowed(_("You may not create records here."))

    def get_form(self, obj: Any, data: Any = None) -> forms.BaseForm:
        form_class = getattr(self, "form_class", None)
        if form_class is None:
            from guanxi.core.resources.forms import form_for

            form_class = form_for(self.declaration())
        return form_class(data, instance=obj, user=self.actor)  # type: ignore[call-arg]

    def create(self, form: forms.BaseForm) -> models.Model:
        values = getattr(form, "values")()  # noqa: B009  (RecordForm.values)
        created = self.declaration().services.create(actor=self.actor, values=values)
        return cast(models.Model, created)

    def update(self, obj: Any, form: forms.BaseForm, version: int) -> models.Model:
        changes = getattr(form, "values")()  # noqa: B009  (RecordForm.values)
        saved = self.declaration().services.update(
            obj, actor=self.actor, expected_version=version, changes=changes
        )
        return cast(models.Model, saved)

    def success_url(self, obj: Any) -> str:
        return self.url("detail", obj.pk)

    def render_form(
        self, form: forms.BaseForm, obj: Any, status: int = 200, **extra: Any
    ) -> HttpResponse:
        # On a re-render the form keeps the version the user's copy was read at, never the
        # current one: resubmitting must not overwrite what others changed meanwhile.
        version = self.request.POST.get("version") if self.request.method == "POST" else None
        if version is None and obj is not None:
            version = obj.version
        context = {**self.base_context(), "form": form, "object": obj, "version": version, **extra}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self.get_object(pk)
        return self.render_form(self.get_form(obj), obj)

    def post(self, request: HttpRequest, pk: Any = None) -> HttpResponse:
        obj = self.get_object(pk)
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            return self.render_form(form, obj, status=400)
        try:
            if obj is None:
                saved = self.create(form)
                messages.success(request, _("%(name)s created.") % {"name": saved})
            else:
                try:
                    version = int(request.POST.get("version", ""))
                except ValueError:
                    version = 0
                saved = self.update(obj, form, version)
                messages.success(request, _("%(name)s saved.") % {"name": saved})
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            stale_from = int(request.POST.get("version") or 0)
            return self.render_form(
                form, obj, status=409,
                stale_changes=changes_since(obj, stale_from) if obj is not None else [],
                current_version=exc.current_version,
            )  # fmt: skip
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.render_form(form, obj, status=400)
        return HttpResponseRedirect(self.success_url(saved))


class ObjectDeleteView(RecordView):
    """GET asks for confirmation; POST moves the record to the recycle bin."""

    template_name: ClassVar[str] = "core/generic/object_delete.html"

    def delete(self, obj: Any) -> None:
        self.declaration().services.delete(obj, actor=self.actor)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        obj = records.get_visible(self.model, pk, self.actor, CHANGE)
        return render(request, self.template_name, {**self.base_context(), "object": obj})

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        obj = records.get_visible(self.model, pk, self.actor, CHANGE)
        self.delete(obj)
        messages.success(request, _("%(name)s moved to the recycle bin.") % {"name": obj})
        return HttpResponseRedirect(self.after_delete_url(obj))

    def after_delete_url(self, obj: Any) -> str:
        return self.url("list")


class ObjectRestoreView(RecordView):
    """POST only: bring a record back from the recycle bin."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def restore(self, obj: Any) -> None:
        self.declaration().services.restore(obj, actor=self.actor)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        obj = records.get_in_bin(self.model, pk, self.actor)
        try:
            self.restore(obj)
        except InvalidInput as exc:
            for errors in exc.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(self.url("bin"))
        messages.success(request, _("%(name)s restored.") % {"name": obj})
        return HttpResponseRedirect(self.after_restore_url(obj))

    def after_restore_url(self, obj: Any) -> str:
        return self.url("detail", obj.pk)


class RecycleBinView(RecordView):
    """The records in the bin that the user may restore."""

    template_name: ClassVar[str] = "core/generic/recycle_bin.html"
    page_size: ClassVar[int] = 50

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = (
            self.model.all_objects.filter(deleted_at__isnull=False)
            .visible_to(self.actor, CHANGE)
            .select_related("deleted_by")
            .order_by("-deleted_at", "-pk")
        )
        page = Paginator(rows, self.page_size).get_page(request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {**self.base_context(), "page": page, "objects": page.object_list},
        )


class BulkActionView(RecordView):
    """POST with ``pk`` repeated: the action runs for every id or for none (all-or-nothing)."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]

    def run(self, ids: list[int]) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            ids = [int(v) for v in request.POST.getlist("pk")]
        except ValueError:
            ids = []
        if not ids:
            messages.error(request, _("Select at least one record."))
        else:
            try:
                messages.success(request, self.run(ids))
            except (NotAllowed, InvalidInput) as exc:
                messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": exc})
        back = request.POST.get("next", "")
        if not back.startswith("/") or back.startswith("//"):
            back = self.url("list")
        return HttpResponseRedirect(back)


class SavedFilterView(LoginRequiredMixin, View):
    """Save the current filter of a list under a name (validated now and again when run)."""

    http_method_names: ClassVar[list[str]] = ["post"]  # type: ignore[misc]
    filtersets: ClassVar[dict[str, tuple[FilterSet, Any, str]]] = {}

    def post(self, request: HttpRequest) -> HttpResponse:
        list_name = request.POST.get("list_name", "")
        if list_name not in self.filtersets:
            raise Http404
        filterset, model, list_url = self.filtersets[list_name]
        query = QueryDict(request.POST.get("query", ""))
        cleaned = {k: query.getlist(k) for k in query if k not in PAGE_PARAMS}
        name = request.POST.get("name", "").strip()[:100]
        user = signed_in_user(request)
        delete = request.POST.get("delete", "")
        if delete:
            SavedFilter.objects.filter(
                user=user,
                list_name=list_name,
                pk=int(delete) if delete.isdigit() else 0,
            ).delete()
            return HttpResponseRedirect(reverse(list_url))
        try:
            filterset.apply(model.objects.none(), cleaned)
            if not name:
                raise InvalidInput({"name": [_("Give the filter a name.")]})
        except InvalidInput as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse(list_url) + "?" + query.urlencode())
        saved, _created = SavedFilter.objects.update_or_create(
            user=user, list_name=list_name, name=name, defaults={"query": cleaned}
        )
        messages.success(request, _("Filter %(name)s saved.") % {"name": name})
        return HttpResponseRedirect(reverse(list_url) + f"?saved={saved.pk}")


__all__ = [
    "CONTROL_PARAMS",
    "BulkActionView",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectListView",
    "ObjectRestoreView",
    "RecycleBinView",
    "SavedFilterView",
    "as_http_errors",
    "changes_since",
    "filter_params",
]
