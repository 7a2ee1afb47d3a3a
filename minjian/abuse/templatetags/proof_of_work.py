"""`{% proof_of_work_widget %}`: the ALTCHA widget inside an anonymous form."""

from __future__ import annotations

import json

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


def _widget_strings() -> dict[str, str]:
    # The widget's own words, from our catalogue rather than its bundled translations.
    return {
        "label": _("I am not a robot"),
        "loading": _("Loading…"),
        "verify": _("Check"),
        "verifying": _("Checking…"),
        "verified": _("Checked"),
        "waitAlert": _("Checking… please wait."),
        "verificationRequired": _("Please wait for the anti-spam check."),
        "error": _("The anti-spam check failed. Try again later."),
        "expired": _("The anti-spam check expired. Try again."),
    }


@register.inclusion_tag("abuse/_proof_of_work.html")
def proof_of_work_widget() -> dict[str, str]:
    """Put it inside the <form>, before its submit button. The widget solves the challenge
    when the form is sent; without JavaScript only the <noscript> note shows."""
    return {
        "challenge_url": reverse("abuse:altcha_challenge"),
        "worker_url": static("vendor/altcha-workers/pbkdf2.js"),
        "stylesheet_url": static("vendor/altcha/altcha.css"),
        "language": get_language() or "",
        "strings": json.dumps(_widget_strings(), ensure_ascii=False),
    }
