"""Every table has a public policy, so that a new model cannot leak into a public bundle by
default: it is in the full bundle only until someone decides what of it the public reads."""

from __future__ import annotations

from minjian.archive.bundle_tables import exported_models, table_name
from minjian.archive.policy import NOT_EXPORTED, policies


def test_every_exported_model_has_a_policy_and_every_policy_a_model() -> None:
    exported = {table_name(model) for model in exported_models()}

    assert sorted(exported - set(policies())) == [], "models without a policy"
    assert sorted(set(policies()) - exported) == [], "policies of no exported model"


def test_what_no_bundle_holds_is_only_what_the_policy_names() -> None:
    exported = {table_name(model) for model in exported_models()}

    assert not exported & set(NOT_EXPORTED)


def test_every_table_comes_after_the_tables_it_points_to_but_in_a_cycle() -> None:
    order = [table_name(model) for model in exported_models()]
    links = [
        (table_name(model), field.name, table_name(field.related_model))
        for model in exported_models()
        for field in model._meta.concrete_fields
        if isinstance(field.related_model, type) and field.related_model is not model
    ]
    late = [
        (label, name)
        for label, name, target in links
        if target in order and order.index(target) > order.index(label)
    ]

    # A claim and its published event, a thread and its opening post point at each other.
    assert sorted(late) == [("claims.ClaimEvent", "claim"), ("coalitions.Thread", "opening")]
