"""Solving the proof of work in tests, as the widget does in a browser."""

from __future__ import annotations

import altcha
from django.test import Client
from django.urls import reverse


def fetch_challenge(client: Client) -> altcha.Challenge:
    response = client.get(reverse("abuse:altcha_challenge"))
    assert response.status_code == 200
    return altcha.Challenge.from_dict(response.json())


def solve(challenge: altcha.Challenge) -> str:
    """The form field's value: the challenge and its solution, base64-encoded JSON."""
    solution = altcha.solve_challenge(challenge, timeout=10)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def solved_payload(client: Client) -> str:
    return solve(fetch_challenge(client))
