"""The choices a reader makes on the accountability pages, all in the query string."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minjian.accountability.selectors import DEFAULT_PERIOD, DEFAULT_SORT, Filters
from minjian.orgs.models import Organisation

# The default comes first: a bound form without a value shows the first choice.
PERIOD_CHOICES = [
    ("all", _("Since the beginning")),
    ("365", _("Last 365 days")),
    ("90", _("Last 90 days")),
    ("30", _("Last 30 days")),
]
SORT_CHOICES = [
    ("median_response", _("Fastest median first response")),
    ("p90_response", _("Fastest 90th-percentile first response")),
    ("median_resolution", _("Fastest median resolution")),
    ("response_rate", _("Highest response rate")),
    ("answered_share", _("Highest share answered")),
    ("routed", _("Most cases routed")),
    ("median_answer", _("Fastest median answer to a petition")),
    ("petitions_answered_share", _("Highest share of petitions answered")),
]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Routed or delivered in"), required=False, choices=PERIOD_CHOICES
    )

    def chosen_filters(self) -> Filters:
        """The filters asked for; the defaults when the query string is not valid."""
        if not self.is_valid():
            return Filters()
        return Filters(period=self.cleaned_data["period"] or DEFAULT_PERIOD)


class LeagueForm(PeriodForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORT_CHOICES)

    def chosen_filters(self) -> Filters:
        if not self.is_valid():
            return Filters()
        return Filters(
            period=self.cleaned_data["period"] or DEFAULT_PERIOD,
            organisation_kind=self.cleaned_data["kind"] or None,
        )

    def chosen_sort(self) -> str:
        if not self.is_valid():
            return DEFAULT_SORT
        return str(self.cleaned_data["sort"] or DEFAULT_SORT)
