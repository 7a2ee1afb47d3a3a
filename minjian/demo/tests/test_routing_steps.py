"""The demo's routing steps fit into its history: verified organisations subscribe
before any case is routed, a case is routed right after it is submitted, members act
after that, and everything happens before the demo is loaded."""

from __future__ import annotations

from datetime import UTC, datetime

from minjian.demo.loader import Submit, demo_schedule
from minjian.demo.routing import INBOX_STEPS, Act, Address, Route, Subscribe


def test_routing_steps_come_in_order_within_the_demos_history() -> None:
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    schedule = demo_schedule(now)
    submitted = {
        step.action.case.key: step.at for step in schedule if isinstance(step.action, Submit)
    }
    routed = {step.action.case.key: step.at for step in schedule if isinstance(step.action, Route)}
    verified_subscribed = [
        step.at
        for step in schedule
        if isinstance(step.action, Subscribe) and step.action.organisation.verified
    ]
    acts = [step for step in schedule if step.action in INBOX_STEPS]

    assert routed.keys() == submitted.keys()
    assert all(submitted[key] < routed[key] for key in routed)
    assert max(verified_subscribed) < min(routed.values())
    assert len(acts) == len(INBOX_STEPS)
    for step in acts:
        assert isinstance(step.action, Act | Address)
        assert step.at > routed[step.action.case_key]
    assert all(step.at < now for step in schedule)
