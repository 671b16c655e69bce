"""The competitor pages: generic views on the declaration, nothing of their own."""

from __future__ import annotations

from guanxi.core.resources import pages
from guanxi.core.views import generic
from guanxi.sales.models.competitors import Competitor


class _Competitors:
    model = Competitor
    resource = "competitors"
    url_prefix = "sales:competitor"


class CompetitorList(_Competitors, generic.ObjectListView):
    list_name = "competitors"


class CompetitorEdit(_Competitors, generic.ObjectEditView):
    def success_url(self, obj: object) -> str:
        return self.url("list")


class CompetitorDelete(_Competitors, generic.ObjectDeleteView):
    pass


class CompetitorRestore(_Competitors, generic.ObjectRestoreView):
    def after_restore_url(self, obj: object) -> str:
        return self.url("list")


class CompetitorBin(_Competitors, generic.RecycleBinView):
    pass


pages.PageSet(
    "sales", "competitors", root="competitors/", list=CompetitorList, edit=CompetitorEdit,
    delete=CompetitorDelete, restore=CompetitorRestore, bin=CompetitorBin,
)  # fmt: skip
