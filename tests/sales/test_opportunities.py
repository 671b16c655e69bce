"""Opportunities: stage moves and their history, won / lost / invalid rules, pipelines per
department, optimistic locking on moves."""

from __future__ import annotations

import datetime as dt

import pytest

from guanxi.core import clock
from guanxi.core.errors import InvalidInput, StaleVersion
from guanxi.sales.models import Opportunity, StageHistory
from guanxi.sales.services import opportunities, pipelines
from tests.sales.conftest import make_opportunity, stage


def test_a_new_opportunity_starts_in_the_first_stage_with_history(org, customers):
    opportunity = make_opportunity(org.users["rep1"], customers["rep1"])
    assert opportunity.stage.name.startswith("Prospecting") and opportunity.outcome == "open"
    row = StageHistory.objects.get(opportunity=opportunity)
    assert row.stage == opportunity.stage and row.left_at is None
    assert opportunity.opened_on == dt.date(2026, 3, 20)


def test_stage_moves_write_history_with_entered_and_left_times(org, customers):
    rep = org.users["rep1"]
    opportunity = make_opportunity(rep, customers["rep1"])
    with clock.frozen(dt.datetime(2026, 3, 25, 9, 0)):
        opportunity = opportunities.move_stage(
            opportunity, actor=rep, stage=stage("Proposal"), expected_version=opportunity.version
        )
    with clock.frozen(dt.datetime(2026, 4, 4, 9, 0)):
        opportunity = opportunities.move_stage(opportunity, actor=rep, stage=stage("Won"))
    assert opportunity.outcome == "won" and opportunity.closed_on == dt.date(2026, 4, 4)
    rows = list(StageHistory.objects.filter(opportunity=opportunity).select_related("stage"))
    assert [r.stage.name.split()[0] for r in rows] == ["Prospecting", "Proposal", "Won"]
    assert rows[0].left_at == rows[1].entered_at
    assert rows[1].duration_days == 10.0 and rows[2].left_at is None


def test_lost_needs_a_reason_and_keeps_the_competitor(org, customers):
    rep = org.users["rep1"]
    opportunity = make_opportunity(rep, customers["rep1"])
    with pytest.raises(InvalidInput):
        opportunities.move_stage(opportunity, actor=rep, stage=stage("Lost"))
    assert Opportunity.objects.get(pk=opportunity.pk).outcome == "open"
    lost = opportunities.move_stage(
        opportunity, actor=rep, stage=stage("Lost"), lost_reason="price", competitor="ACME"
    )
    assert (lost.outcome, lost.lost_reason, lost.competitor) == ("lost", "price", "ACME")
    assert lost.closed_on is not None
    reopened = opportunities.move_stage(lost, actor=rep, stage=stage("Negotiation"))
    assert reopened.outcome == "open" and reopened.closed_on is None
    invalid = opportunities.move_stage(reopened, actor=rep, stage=stage("Invalid"))
    assert invalid.outcome == "invalid" and invalid.closed_on is not None


def test_stale_moves_are_refused_and_other_pipelines_stages_too(org, customers):
    rep = org.users["rep1"]
    opportunity = make_opportunity(rep, customers["rep1"])
    opportunities.move_stage(
        opportunity, actor=rep, stage=stage("Needs"), expected_version=opportunity.version
    )
    with pytest.raises(StaleVersion):
        opportunities.move_stage(
            opportunity, actor=rep, stage=stage("Proposal"), expected_version=opportunity.version
        )
    other = pipelines.create_pipeline(
        actor=org.users["admin"],
        name="Projects",
        stages=[
            {"name": "Bid", "probability": 30, "kind": "open"},
            {"name": "Won", "probability": 100, "kind": "won"},
            {"name": "Lost", "probability": 0, "kind": "lost"},
            {"name": "Invalid", "probability": 0, "kind": "invalid"},
        ],
        departments=[org.departments["south"]],
    )
    foreign = other.stages.get(name="Bid")
    with pytest.raises(InvalidInput):
        opportunities.move_stage(opportunity, actor=rep, stage=foreign)


def test_each_department_uses_the_pipeline_naming_it(org, customers):
    admin = org.users["admin"]
    south = pipelines.create_pipeline(
        actor=admin,
        name="South projects",
        stages=[
            {"name": "Bid", "probability": 30},
            {"name": "Won", "probability": 100, "kind": "won"},
            {"name": "Lost", "kind": "lost"},
            {"name": "Invalid", "kind": "invalid"},
        ],
        departments=[org.departments["south"]],
    )
    assert pipelines.pipeline_for(org.users["rep3"]) == south  # south_team is below south
    assert pipelines.pipeline_for(org.users["rep1"]).is_default
    opportunity = make_opportunity(org.users["rep3"], customers["rep3"])
    assert opportunity.pipeline == south and opportunity.stage.name == "Bid"
    with pytest.raises(InvalidInput):  # a pipeline needs its end states
        pipelines.create_pipeline(
            actor=admin, name="Bad", stages=[{"name": "Only", "kind": "open"}]
        )


def test_catalogue_is_read_by_all_and_changed_by_managers_and_administrators(org):
    from guanxi.core.errors import NotAllowed
    from guanxi.sales.models import Product
    from guanxi.sales.services import products

    product = products.create_product(
        actor=org.users["manager1"], values={"code": "X1", "name": "X"}
    )
    for persona in ("rep1", "service1", "analyst1", "marketing1"):
        assert Product.objects.visible_to(org.users[persona]).filter(pk=product.pk).exists()
        with pytest.raises(NotAllowed):
            products.update_product(
                product, actor=org.users[persona], expected_version=None, changes={"name": "Y"}
            )
        with pytest.raises(NotAllowed):
            pipelines.create_pipeline(actor=org.users[persona], name="P", stages=[])
    products.update_product(
        product, actor=org.users["admin"], expected_version=1, changes={"list_price": "9.90"}
    )
    with pytest.raises(StaleVersion):
        products.update_product(
            product, actor=org.users["admin"], expected_version=1, changes={"name": "Z"}
        )
    with pytest.raises(InvalidInput):
        products.create_product(actor=org.users["admin"], values={"code": "X1", "name": "dup"})
