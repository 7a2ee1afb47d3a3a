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

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def closes_due_proposals(view: View) -> View:
    """Close the due proposals of the coalition of the view's `coalition_id` (of every
    coalition, for a view without one), then answer."""

    @wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        proposals_close_due(coalition_id=kwargs.get("coalition_id"))
        return view(request, *args, **kwargs)

    return cast(View, answer)
