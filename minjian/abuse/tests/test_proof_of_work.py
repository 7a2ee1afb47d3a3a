"""The ALTCHA proof of work on anonymous forms: solved once it passes, anything else is refused."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import altcha
import pytest
import time_machine
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from minjian.abuse import proof_of_work
from minjian.abuse.tests.proof import fetch_challenge, solve, solved_payload
from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.errors import DomainError

pytestmark = pytest.mark.django_db

PASSWORD = "quiet river at dawn 42"


def sign_up(client: Client, username: str, payload: str | None, language: str = "en") -> Any:
    data = {"username": username, "email": "", "password": PASSWORD, "password_again": PASSWORD}
    if payload is not None:
        data["altcha"] = payload
    return client.post(reverse("accounts:signup"), data, HTTP_ACCEPT_LANGUAGE=language)


def test_the_challenge_is_signed_json_that_expires_and_is_never_cached(client: Client) -> None:
    response = client.get(reverse("abuse:altcha_challenge"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    challenge = response.json()
    assert challenge["signature"]
    assert challenge["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert challenge["parameters"]["keySignature"]
    assert challenge["parameters"]["expiresAt"] > 0
    assert client.get(reverse("abuse:altcha_challenge")).json() != challenge


def test_a_solved_challenge_lets_the_sign_up_through(client: Client) -> None:
    response = sign_up(client, "solved-it", solved_payload(client))

    assert response.status_code == 302
    assert User.objects.filter(username="solved-it").exists()


def test_a_wrong_solution_is_refused_with_a_form_error_and_creates_nothing(
    client: Client,
) -> None:
    challenge = fetch_challenge(client)
    payload = json.loads(base64.b64decode(solve(challenge)))
    payload["solution"]["derivedKey"] = "00" * 32
    forged = base64.b64encode(json.dumps(payload).encode()).decode()

    response = sign_up(client, "forger", forged)

    assert response.status_code == 200
    assert "The anti-spam check of this form did not succeed" in response.content.decode()
    assert not User.objects.filter(username="forger").exists()


def test_an_easier_challenge_made_by_the_client_is_refused(client: Client) -> None:
    challenge = fetch_challenge(client)
    challenge.parameters.key_prefix = "0"
    challenge.parameters.key_signature = None

    response = sign_up(client, "cheater", solve(challenge))

    assert "did not succeed" in response.content.decode()
    assert not User.objects.filter(username="cheater").exists()


def test_a_challenge_signed_with_another_key_is_refused(client: Client) -> None:
    challenge = altcha.create_challenge(
        algorithm="PBKDF2/SHA-256", cost=1, counter=3, hmac_secret="somebody else's key"
    )

    response = sign_up(client, "outsider", solve(challenge))

    assert "did not succeed" in response.content.decode()
    assert not User.objects.filter(username="outsider").exists()


def test_an_expired_solution_is_refused(client: Client) -> None:
    payload = solved_payload(client)

    with time_machine.travel(time.time() + 21 * 60):
        response = sign_up(client, "too-slow", payload)

    assert "The anti-spam check of this form expired" in response.content.decode()
    assert not User.objects.filter(username="too-slow").exists()


def test_a_solution_is_accepted_only_once(client: Client) -> None:
    payload = solved_payload(client)
    assert sign_up(client, "first-use", payload).status_code == 302
    client.logout()

    response = sign_up(client, "second-use", payload)

    assert "This anti-spam check was used already" in response.content.decode()
    assert not User.objects.filter(username="second-use").exists()


def test_the_refusal_speaks_chinese(client: Client) -> None:
    response = sign_up(client, "forger", "bm90IGEgcGF5bG9hZA==", language="zh-hans")

    assert "本表单的防垃圾检查没有通过" in response.content.decode()


def test_without_javascript_a_few_forms_pass_and_then_a_clear_error_says_why(
    client: Client, settings: Any
) -> None:
    settings.MINJIAN_RATE_LIMITS = {
        **settings.MINJIAN_RATE_LIMITS,
        "proof_of_work_skipped": (2, 3600),
        "signup": (10, 3600),
    }
    for number in range(2):
        assert sign_up(client, f"no-script-{number}", payload=None).status_code == 302
        client.logout()

    response = sign_up(client, "no-script-2", payload=None)

    content = response.content.decode()
    assert "needs JavaScript" in content
    assert "Turn JavaScript on, or try again in" in content
    assert not User.objects.filter(username="no-script-2").exists()
    # A solved challenge still passes: only forms without one are limited.
    assert sign_up(client, "with-script", solved_payload(client)).status_code == 302


def test_the_check_says_whether_the_work_was_done(rf: RequestFactory) -> None:
    with_solution = rf.post("/", {"altcha": solved_payload(Client())})
    without = rf.post("/", {})

    assert proof_of_work.check(with_solution) is proof_of_work.Proof.SOLVED
    assert proof_of_work.check(without) is proof_of_work.Proof.SKIPPED


@hypothesis_settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.one_of(
        st.text(min_size=1),
        st.binary(min_size=1).map(lambda raw: base64.b64encode(raw).decode()),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=5),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["challenge", "solution", "parameters", "signature"]),
                    inner,
                    max_size=4,
                )
            ),
        ).map(lambda data: base64.b64encode(json.dumps(data).encode()).decode()),
    )
)
def test_any_garbage_payload_is_refused_as_invalid_never_an_error(
    rf: RequestFactory, payload: str
) -> None:
    if not payload.strip():
        return
    with pytest.raises(DomainError) as refused:
        proof_of_work.check(rf.post("/", {"altcha": payload}))
    assert refused.value.code == "proof_of_work_invalid"


def test_the_password_reset_needs_the_proof_of_work_too(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    make_user("has-mail", email="me@example.org")

    refused = client.post(
        reverse("accounts:password_reset"),
        {"email": "me@example.org", "altcha": "bm9wZQ=="},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200
    assert "did not succeed" in refused.content.decode()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("accounts:password_reset"),
            {"email": "me@example.org", "altcha": solved_payload(client)},
        )
    assert sent.status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("language", "note"),
    [("en", "which needs JavaScript"), ("zh-hans", "需要 JavaScript")],
)
def test_anonymous_forms_carry_the_widget_and_a_note_for_browsers_without_javascript(
    client: Client, language: str, note: str
) -> None:
    for name in ["accounts:signup", "accounts:password_reset"]:
        content = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert "data-proof-of-work" in content
        assert 'src="/static/vendor/altcha/altcha.min.js"' in content
        assert note in content
