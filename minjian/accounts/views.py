"""Account pages: sign up, log in, password reset, the account page and its forms.

Log-in and password reset are Django's own views with abuse control added: log-in waits
after failures (minjian/accounts/login_guard.py), sign-up and the reset request ask
anonymous visitors for the proof of work and count per client (minjian/abuse).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts import selectors, services
from minjian.accounts.forms import (
    AccountPasswordChangeForm,
    EmailChangeForm,
    PasswordResetRequestForm,
    PseudonymAuthenticationForm,
    SignUpForm,
    TokenIssueForm,
)
from minjian.accounts.login_guard import LoginAttempt
from minjian.accounts.models import User
from minjian.core.errors import DomainError, NotFound, with_retry_after
from minjian.core.forms import show_domain_error


def _account_holder(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every caller is behind login_required
    return user


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


def _refused_form(response: HttpResponse, error: DomainError) -> HttpResponse:
    """A form sent back with a refusal: 429 and Retry-After when it is a wait."""
    if error.status == 429:
        response.status_code = 429
        with_retry_after(response, error)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Sign-up. Whether a pseudonym is taken is said only to a client within its
    `pseudonym_check` limit: every attempt that gets that far counts, taken or free, and
    past the limit the form refuses before looking the pseudonym up."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    client = ratelimit.requester(request)
    if request.method == "POST":
        # Accounts made per client: counted on success only.
        ratelimit.check("signup", client)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    refusal: DomainError | None = None
    if form.is_valid():
        try:
            proof_of_work.check(request)
            ratelimit.hit("pseudonym_check", client)
            user = services.account_sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except DomainError as error:
            show_domain_error(form, error)
            refusal = error
        else:
            ratelimit.record("signup", client)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome, %(pseudonym)s. Your account is ready.") % {"pseudonym": user.username},
            )
            return redirect(_next_url(request, "accounts:account"))
    response = render(
        request,
        "accounts/signup.html",
        {"form": form, "next": _next_url(request, "accounts:account")},
    )
    return _refused_form(response, refusal) if refusal is not None else response


class LoginView(auth_views.LoginView):
    """Django's log-in, slowed down after failures but never locked
    (minjian/accounts/login_guard.py): an attempt that must still wait gets the form back
    with the wait, a 429 and Retry-After, and its password is not checked. The owner's
    browser, known by its device cookie, does not wait for what others did."""

    template_name = "accounts/login.html"
    authentication_form = PseudonymAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        self.attempt = LoginAttempt.of(request)
        refusal = self.attempt.refusal()
        if refusal is not None:
            return self._wait(refusal)
        return super().post(request, *args, **kwargs)

    def _wait(self, refusal: ratelimit.RateLimited) -> HttpResponse:
        form = self.authentication_form(
            self.request, initial={"username": self.request.POST.get("username", "")}
        )
        response = self.render_to_response(
            self.get_context_data(form=form, wait=refusal.message), status=429
        )
        response["Retry-After"] = str(refusal.retry_after)
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        assert isinstance(user, User)
        self.attempt.succeeded(response, user)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        self.attempt.failed()
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, with the proof of work, and limits per client and per
    address typed, so that nobody can flood a mailbox with reset mails. The mail itself is
    composed and sent by a job (`services.account_request_password_reset`): the request
    does the same work for an address that has an account and for one that has none."""

    form_class = PasswordResetRequestForm

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        ratelimit.limit_requester(request, "password_reset_client")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            proof_of_work.check(self.request)
        except DomainError as error:
            show_domain_error(form, error)
            return _refused_form(self.form_invalid(form), error)
        address = form.cleaned_data["email"].strip().casefold()
        ratelimit.hit("password_reset_address", f"email:{address}")
        return super().form_valid(form)


def _account_page(
    request: HttpRequest,
    *,
    email_form: EmailChangeForm | None = None,
    password_form: AccountPasswordChangeForm | None = None,
    token_form: TokenIssueForm | None = None,
    new_token: str | None = None,
) -> HttpResponse:
    user = _account_holder(request)
    context = {
        "account_holder": user,
        "tokens": list(selectors.api_tokens_of(user)),
        "email_form": email_form or EmailChangeForm(user, initial={"email": user.email}),
        "password_form": password_form or AccountPasswordChangeForm(user),
        "token_form": token_form or TokenIssueForm(),
        "new_token": new_token,
    }
    response = render(request, "accounts/account.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def email_change(request: HttpRequest) -> HttpResponse:
    user = _account_holder(request)
    form = EmailChangeForm(user, request.POST)
    if form.is_valid():
        try:
            services.account_update_email(actor=user, email=form.cleaned_data["email"])
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Your e-mail address is saved."))
            return redirect("accounts:account")
    return _account_page(request, email_form=form)


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    user = _account_holder(request)
    form = AccountPasswordChangeForm(user, request.POST)
    if form.is_valid():
        try:
            services.account_set_password(
                actor=user, password=form.cleaned_data["new_password1"], via="account_page"
            )
        except DomainError as error:
            form.add_error("new_password1", str(error.message))
        else:
            # Keeps this session signed in; every other session of the account ends.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:account")
    return _account_page(request, password_form=form)


@login_required
@require_POST
def token_issue(request: HttpRequest) -> HttpResponse:
    user = _account_holder(request)
    form = TokenIssueForm(request.POST)
    if form.is_valid():
        try:
            _api_token, token = services.api_token_issue(
                actor=user, user=user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            # Rendered, not redirected: the token is shown in this one response
            # and kept nowhere, not even in the session.
            return _account_page(request, new_token=token)
    return _account_page(request, token_form=form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _account_holder(request)
    try:
        api_token = services.api_token_revoke(actor=user, token_id=token_id)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    messages.success(
        request,
        _("The token %(prefix)s… is revoked: it no longer works.") % {"prefix": api_token.prefix},
    )
    return redirect("accounts:account")
