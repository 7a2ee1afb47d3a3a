"""Proposals close at their closing time, with nobody acting: the first read of the
coalition after it counts the votes (`services.proposals_close_due`), before the stored
page is looked up, so that no reader gets a page from before the results were shown."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from minjian.coalitions.services import proposals_close_due
from minjian.core.text import parse_id

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def closes_due_proposals(view: View) -> View:
    """Close the due proposals of the coalition of the view's `coalition_id` (of every
    coalition, for a view without one), then answer. An API path's id is not checked yet
    here: one that cannot be an id closes nothing, and the view refuses it."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if "coalition_id" not in kwargs:
            proposals_close_due()
        elif (coalition_id := parse_id(kwargs["coalition_id"])) is not None:
            proposals_close_due(coalition_id=coalition_id)
        return view(request, *args, **kwargs)

    return cast(View, answer)
