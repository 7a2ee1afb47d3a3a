from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from minjian.accounts import services
from minjian.accounts.models import AccountEvent, AccountEventKind, ApiToken, User
from minjian.accounts.tests.factories import PASSWORD, make_user
from minjian.core.tests.openapi import OpenAPICheckingClient

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet river at dawn 42"


def sign_up(client: Client, **fields: str) -> Any:
    data = {
        "username": "river-watcher",
        "email": "",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **fields,
    }
    return client.post(reverse("accounts:signup"), data, HTTP_ACCEPT_LANGUAGE="en")


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def log_in(client: Client, username: str, password: str) -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def field_group(html: str, field_name: str) -> str:
    """The `<div class="field">` that holds one form field, errors included."""
    for group in html.split('<div class="field">')[1:]:
        if f'name="{field_name}"' in group:
            return group
    raise AssertionError(f"no field {field_name} on the page")


# Sign up


def test_sign_up_page_speaks_english() -> None:
    response = Client().get(reverse("accounts:signup"), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Pseudonym" in content
    assert "Do not use your real name." in content
    assert "first_name" not in content and "last_name" not in content


def test_sign_up_page_speaks_chinese() -> None:
    response = Client().get(reverse("accounts:signup"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    content = response.content.decode()
    assert response.status_code == 200
    assert "化名" in content
    assert "真实姓名" in content
    assert "Pseudonym" not in content


def test_signing_up_creates_the_account_and_logs_in() -> None:
    client = Client()

    response = sign_up(client, email="me@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    user = User.objects.get()
    assert (user.username, user.email) == ("river-watcher", "me@example.org")
    assert signed_in_user_id(client) == str(user.pk)


def test_sign_up_goes_on_to_a_page_of_this_site_but_never_to_another_site() -> None:
    to_report = sign_up(Client(), next="/cases/report/")
    to_elsewhere = sign_up(Client(), username="another-one", next="https://evil.example/")

    assert to_report["Location"] == "/cases/report/"
    assert to_elsewhere["Location"] == reverse("accounts:account")


def test_a_logged_in_visitor_is_sent_from_sign_up_to_their_account(user: User) -> None:
    client = Client()
    client.force_login(user)

    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")


def test_a_pseudonym_taken_in_another_case_is_refused_next_to_the_field() -> None:
    make_user("river-watcher")

    response = sign_up(Client(), username="RIVER-watcher")

    assert response.status_code == 200
    assert "This pseudonym is taken." in field_group(response.content.decode(), "username")
    assert User.objects.count() == 1


def test_a_pseudonym_outside_the_rules_is_refused_next_to_the_field() -> None:
    response = sign_up(Client(), username="me@example.org")

    assert response.status_code == 200
    assert "may contain only letters" in field_group(response.content.decode(), "username")
    assert not User.objects.exists()


def test_two_different_passwords_are_refused() -> None:
    response = sign_up(Client(), password_again="something else entirely")

    assert response.status_code == 200
    assert "The two passwords differ." in field_group(response.content.decode(), "password_again")
    assert not User.objects.exists()


def test_a_weak_password_is_refused_next_to_the_password_field() -> None:
    response = sign_up(Client(), password="12345678", password_again="12345678")

    assert response.status_code == 200
    assert "errorlist" in field_group(response.content.decode(), "password")
    assert not User.objects.exists()


# Log in, log out


def test_logging_in_with_the_right_password_works_whatever_the_case(user: User) -> None:
    client = Client()

    response = log_in(client, "RIVER-WATCHER", PASSWORD)

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_a_wrong_password_and_an_unknown_pseudonym_get_the_same_answer(user: User) -> None:
    wrong_password = log_in(Client(), "river-watcher", "not the password")
    unknown = log_in(Client(), "nobody-here", "not the password")

    assert wrong_password.status_code == unknown.status_code == 200
    assert "Wrong pseudonym or password." in wrong_password.content.decode()

    def errors(response: Any) -> list[str]:
        return re.findall(
            r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', response.content.decode(), re.S
        )

    assert errors(wrong_password) == errors(unknown)


def test_log_out_is_refused_by_get_and_works_by_post(user: User) -> None:
    client = Client()
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert signed_in_user_id(client) == str(user.pk)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert signed_in_user_id(client) is None


# Password reset


def test_a_reset_mail_arrives_in_both_languages_and_its_link_sets_a_new_password(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = make_user("river-watcher", email="me@example.org")
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"),
            {"email": "ME@example.org"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = mail.outbox
    body = str(message.body)
    assert message.to == ["me@example.org"]
    assert "Choose a new password" in message.subject and "设置民间的新密码" in message.subject
    assert "Hello river-watcher," in body
    assert "river-watcher，你好" in body
    assert body.index("Hello") < body.index("你好")
    [link] = set(re.findall(r"https?://\S+", body))
    link_path = urlsplit(link).path

    page = client.get(link_path, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"]
    form_url = page.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert log_in(Client(), "river-watcher", NEW_PASSWORD).status_code == 302
    assert log_in(Client(), "river-watcher", PASSWORD).status_code == 200
    event = AccountEvent.objects.filter(user=user).get()
    assert (event.kind, event.payload) == (AccountEventKind.PASSWORD_CHANGED, {"via": "reset"})
    assert client.get(link_path, follow=True).context["validlink"] is False


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing() -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_the_reset_page_explains_what_to_do_without_an_email_address() -> None:
    response = Client().get(reverse("accounts:password_reset"), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert response.status_code == 200
    assert "No e-mail address on your account?" in content
    assert "add an e-mail address" in content


# The account page


def test_the_account_page_needs_a_logged_in_visitor() -> None:
    response = Client().get(reverse("accounts:account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_new_token_is_shown_once_and_then_only_by_its_prefix(user: User) -> None:
    client = Client()
    client.force_login(user)

    issued = client.post(
        reverse("accounts:token_issue"), {"name": "my phone"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert issued.status_code == 200
    assert "no-store" in issued["Cache-Control"]
    token = re.search(r'value="(mj_[^"]+)"', issued.content.decode())
    assert token is not None
    api_token = ApiToken.objects.get(user=user)
    assert token.group(1).startswith(api_token.prefix)

    later = client.get(reverse("accounts:account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert token.group(1) not in later
    assert api_token.prefix in later
    assert "my phone" in later


def test_a_token_name_too_long_is_refused_next_to_the_field(user: User) -> None:
    client = Client()
    client.force_login(user)

    response = client.post(reverse("accounts:token_issue"), {"name": "x" * 101})

    assert response.status_code == 200
    assert "errorlist" in field_group(response.content.decode(), "name")
    assert not ApiToken.objects.exists()


def test_revoking_a_token_from_the_account_page_ends_it(user: User) -> None:
    api_token, token = services.api_token_issue(actor=user, user=user, name="my phone")
    client = Client()
    client.force_login(user)

    response = client.post(reverse("accounts:token_revoke", args=[api_token.pk]))

    assert response.status_code == 302
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None
    page = client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:token_revoke", args=[api_token.pk]) not in page
    assert (
        OpenAPICheckingClient()
        .get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
        .status_code
        == 401
    )


def test_nobody_can_revoke_someone_elses_token_from_the_page(user: User) -> None:
    stranger = make_user("stranger")
    api_token, _token = services.api_token_issue(actor=stranger, user=stranger, name="")
    client = Client()
    client.force_login(user)

    response = client.post(reverse("accounts:token_revoke", args=[api_token.pk]))

    assert response.status_code == 404
    api_token.refresh_from_db()
    assert api_token.revoked_at is None


def test_changing_the_email_needs_the_current_password(user: User) -> None:
    client = Client()
    client.force_login(user)
    url = reverse("accounts:email_change")

    refused = client.post(
        url, {"email": "me@example.org", "current_password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    user.refresh_from_db()
    assert refused.status_code == 200
    assert "This is not your current password." in field_group(
        refused.content.decode(), "current_password"
    )
    assert user.email == ""

    accepted = client.post(url, {"email": "me@example.org", "current_password": PASSWORD})
    user.refresh_from_db()
    assert accepted.status_code == 302
    assert user.email == "me@example.org"


def test_changing_the_password_keeps_this_session_and_the_new_one_works(user: User) -> None:
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).status_code == 200
    assert log_in(Client(), "river-watcher", NEW_PASSWORD).status_code == 302


def test_a_wrong_old_password_changes_nothing(user: User) -> None:
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "errorlist" in field_group(response.content.decode(), "old_password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_account_page_reads_a_fixed_number_of_queries(
    user: User, django_assert_max_num_queries: Any
) -> None:
    for number in range(8):
        services.api_token_issue(actor=user, user=user, name=f"token {number}")
    client = Client()
    client.force_login(user)

    # The session, the account, its tokens; the header's inbox link reads the memberships.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("accounts:account"))

    assert response.status_code == 200
    assert response.content.decode().count("token_revoke") == 0
    assert response.content.decode().count("/revoke/") == 8
