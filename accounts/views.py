from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import auth
from accounts.decorators import login_required
from accounts.forms import (
    PasswordChangeForm,
    PasswordResetCodeForm,
    PasswordResetForm,
    ProfileForm,
    RegisterForm,
    SetPasswordForm,
    SignInCodeForm,
    SignInForm,
    TotpDisableForm,
    TotpEnableForm,
    TotpStartForm,
    VerifyRegistrationForm,
)
from accounts.identity import (
    IdentityError,
    NotConfirmed,
    PasswordRefused,
    identity_service,
    is_cognito,
)
from accounts.selectors import password_reset_user_get
from accounts.services import (
    AccountChanged,
    EmailTaken,
    ResetLinkInvalid,
    StaffKeepTotp,
    WrongPassword,
    password_reset_code_complete,
    password_reset_complete,
    password_reset_request,
    user_password_change,
    user_profile_update,
    user_register,
    user_registration_code_resend,
    user_registration_confirm,
    user_sign_in_check,
    user_sign_in_code_check,
    user_sign_out_everywhere,
    user_totp_disable,
    user_totp_enable,
    user_totp_start,
)
from accounts.throttles import Throttled, client_address
from cloudshelf.redirects import safe_redirect_target

PENDING_KEY = "_sign_in_pending"


def redirect_with_query(name, **query):
    return redirect(f"{reverse(name)}?{urlencode(query)}")


def cognito_only(view):
    """Pages of the Cognito identity service only: not found with the built-in one."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_cognito():
            raise Http404("This page belongs to the Cognito identity service.")
        return view(request, *args, **kwargs)

    return wrapper


def safe_next(request, default="store:home"):
    """The ``next`` parameter if it stays within this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    return safe_redirect_target(request, target, default)


def account_page(view):
    """Never cached, GET or POST only, passwords kept out of error reports."""
    return never_cache(
        sensitive_post_parameters()(require_http_methods(["GET", "HEAD", "POST"])(view))
    )


def form_page(request, template, form, status=None, **context):
    """Render a form page: 400 when the form has errors, else 200 (or ``status``)."""
    return render(
        request,
        template,
        {"form": form, **context},
        status=status or (400 if form.errors else 200),
    )


def throttled_page(request, template, form, error, **context):
    form.add_error(None, error.message)
    response = form_page(request, template, form, status=429, **context)
    response["Retry-After"] = str(error.retry_after)
    return response


@account_page
def register(request):
    form = RegisterForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_register(
                email=data["email"],
                password=data["new_password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                site_url=request.build_absolute_uri("/"),
            )
        except EmailTaken as error:
            form.add_error("email", error.message)
        except IdentityError as error:
            form.add_error(
                "new_password1" if isinstance(error, PasswordRefused) else None, error.message
            )
        else:
            if identity_service().confirms_registration:
                messages.info(request, f"We have emailed a verification code to {user.email}.")
                return redirect_with_query("accounts:register-verify", email=user.email)
            auth.login(request, user)
            messages.success(request, f"Welcome to CloudShelf, {user.first_name or user.email}.")
            return redirect(safe_next(request))
    return form_page(request, "accounts/register.html", form, next=next_url)


@account_page
def sign_in(request):
    form = SignInForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        try:
            result = user_sign_in_check(
                **form.cleaned_data, client_address=client_address(request)
            )
        except Throttled as error:
            return throttled_page(request, "accounts/sign_in.html", form, error, next=next_url)
        except NotConfirmed as error:
            messages.info(request, error.message)
            return redirect_with_query(
                "accounts:register-verify", email=form.cleaned_data["email"]
            )
        if result.challenge:
            # Not signed in yet: the pool's short-lived session for the second step, and
            # nothing else, waits in this (anonymous) session until the code is right.
            request.session[PENDING_KEY] = {
                "email": form.cleaned_data["email"],
                "session": result.session,
                "next": safe_next(request),
            }
            return redirect("accounts:sign-in-code")
        user = result.user
        if user is not None:
            auth.login(request, user)
            messages.success(request, f"Welcome back, {user.first_name or user.email}.")
            return redirect(safe_next(request))
        form.add_error(None, "That email and password do not match an active account.")
    return form_page(request, "accounts/sign_in.html", form, next=next_url)


@account_page
@cognito_only
def sign_in_code(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        messages.info(request, "Please sign in first.")
        return redirect("accounts:login")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_in_code_check(
                email=pending["email"],
                session=pending["session"],
                code=form.cleaned_data["code"],
                client_address=client_address(request),
            )
        except Throttled as error:
            return throttled_page(request, "accounts/sign_in_code.html", form, error)
        except IdentityError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(PENDING_KEY, None)
            auth.login(request, user)
            messages.success(request, f"Welcome back, {user.first_name or user.email}.")
            return redirect(pending["next"])
    return form_page(request, "accounts/sign_in_code.html", form)


@account_page
@cognito_only
def register_verify(request):
    initial = {"email": request.GET.get("email", "")}
    if request.method == "POST" and "resend" in request.POST:
        return register_code_resend(request)
    form = VerifyRegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_registration_confirm(
                email=form.cleaned_data["email"],
                code=form.cleaned_data["code"],
                client_address=client_address(request),
                site_url=request.build_absolute_uri("/"),
            )
        except Throttled as error:
            return throttled_page(request, "accounts/register_verify.html", form, error)
        except IdentityError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, "Your email address is verified. You can sign in now.")
            return redirect("accounts:login")
    return form_page(request, "accounts/register_verify.html", form)


def register_code_resend(request):
    """The verification page's "Send a new code" button: only the email is needed."""
    form = VerifyRegistrationForm(request.POST)
    form.is_valid()  # the code may be empty: only the email's errors count here
    if "email" not in form.cleaned_data:
        form.errors.pop("code", None)
        return form_page(request, "accounts/register_verify.html", form)
    email = form.cleaned_data["email"]
    try:
        user_registration_code_resend(email=email, client_address=client_address(request))
    except Throttled as error:
        form.errors.pop("code", None)
        return throttled_page(request, "accounts/register_verify.html", form, error)
    messages.info(
        request,
        f"If {email} is waiting for verification, we have emailed it a new code.",
    )
    return redirect_with_query("accounts:register-verify", email=email)


@account_page
@cognito_only
def password_reset_code(request):
    initial = {"email": request.GET.get("email", "")}
    form = PasswordResetCodeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_code_complete(
                email=form.cleaned_data["email"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
                client_address=client_address(request),
            )
        except Throttled as error:
            return throttled_page(request, "accounts/password_reset_code.html", form, error)
        except IdentityError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, "Your new password is set. You can sign in with it now.")
            return redirect("accounts:login")
    return form_page(request, "accounts/password_reset_code.html", form)


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        user_sign_out_everywhere(user=request.user)
    auth.logout(request)
    messages.info(request, "You have signed out.")
    return redirect("store:home")


@account_page
@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, user=user, initial=ProfileForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_profile_update(
                user=user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                address=data["address"],
                email=data["email"],
                current_password=data["current_password"],
                client_address=client_address(request),
            )
        except Throttled as error:
            return throttled_page(request, "accounts/profile.html", form, error)
        except (EmailTaken, WrongPassword) as error:
            form.add_error(
                "email" if isinstance(error, EmailTaken) else "current_password", error.message
            )
        except AccountChanged as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:profile")
    return form_page(
        request,
        "accounts/profile.html",
        form,
        two_factor_offered=is_cognito(),
    )


@account_page
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                client_address=client_address(request),
            )
        except Throttled as error:
            return throttled_page(request, "accounts/password_change.html", form, error)
        except WrongPassword as error:
            form.add_error("old_password", error.message)
        except IdentityError as error:
            form.add_error("new_password1", error.message)
        except AccountChanged as error:
            form.add_error(None, error.message)
        else:
            # This session stays signed in; every other session of the user ends.
            auth.update_session_auth_hash(request, request.user)
            messages.success(
                request, "Your password has been changed. Other devices have been signed out."
            )
            return redirect("accounts:profile")
    return form_page(request, "accounts/password_change.html", form)


@account_page
def password_reset(request):
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_request(
                email=form.cleaned_data["email"],
                client_address=client_address(request),
                link_for=lambda token: request.build_absolute_uri(
                    reverse("accounts:password-reset-confirm", args=[token])
                ),
            )
        except Throttled as error:
            return throttled_page(request, "accounts/password_reset.html", form, error)
        if identity_service().resets_by_code:
            return redirect_with_query(
                "accounts:password-reset-code", email=form.cleaned_data["email"]
            )
        return redirect("accounts:password-reset-done")
    return form_page(request, "accounts/password_reset.html", form)


@never_cache
@require_safe
def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


@account_page
def password_reset_confirm(request, token):
    user = password_reset_user_get(token=token)
    form = SetPasswordForm(user, request.POST or None) if user else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            password_reset_complete(
                user=user, token=token, password=form.cleaned_data["new_password1"]
            )
        except ResetLinkInvalid:
            form = None
        else:
            messages.success(request, "Your new password is set. You can sign in with it now.")
            return redirect("accounts:login")
    if form is None:
        response = render(
            request,
            "accounts/password_reset_confirm.html",
            {"form": None, "message": ResetLinkInvalid.message},
            status=400,
        )
    else:
        response = form_page(request, "accounts/password_reset_confirm.html", form)
    # The token is in this page's address: never send it to another site in a Referer.
    # (Not "no-referrer": browsers then send "Origin: null" with the form, and Django's
    # CSRF check refuses it.)
    response["Referrer-Policy"] = "same-origin"
    return response


@account_page
@cognito_only
@login_required
def two_factor(request):
    """Turn on TOTP: the current password, then a QR code (and the secret as text) to
    scan, then a code from the app (with the password again: no pool token is kept)."""
    user = request.user
    start_form = TotpStartForm(request.POST if request.POST.get("step") == "start" else None)
    enable_form = TotpEnableForm(request.POST if request.POST.get("step") == "enable" else None)
    disable_form = TotpDisableForm(request.POST if request.POST.get("step") == "disable" else None)
    setup = None
    status = None
    if request.method == "POST" and disable_form.is_bound:
        if user.is_staff:
            disable_form.add_error(None, StaffKeepTotp.message)
            status = 403
        elif disable_form.is_valid():
            status = _totp_confirm(request, disable_form, user_totp_disable)
            if status is None:
                messages.success(
                    request, "Two-step sign-in is off. Sign-in asks for your password only."
                )
                return redirect("accounts:profile")
    elif request.method == "POST" and start_form.is_bound and start_form.is_valid():
        try:
            setup = user_totp_start(
                user=user,
                password=start_form.cleaned_data["password"],
                client_address=client_address(request),
            )
        except Throttled as error:
            start_form.add_error(None, error.message)
            status = 429
        except (WrongPassword, IdentityError) as error:
            start_form.add_error("password", error.message)
    elif request.method == "POST" and enable_form.is_bound and enable_form.is_valid():
        status = _totp_confirm(request, enable_form, user_totp_enable)
        if status is None:
            messages.success(
                request, "Two-step sign-in is on. You will be asked for a code at each sign-in."
            )
            return redirect("accounts:profile")
    elif request.method == "POST":
        status = 400
    has_errors = start_form.errors or enable_form.errors or disable_form.errors
    return render(
        request,
        "accounts/two_factor.html",
        {
            "start_form": start_form,
            "enable_form": enable_form,
            "disable_form": disable_form,
            "setup": setup,
            "qr_svg": qr_svg(setup.uri) if setup else "",
        },
        status=status or (400 if has_errors else 200),
    )


def _totp_confirm(request, form, change):
    """Turn TOTP on or off (``change``) with the form's password and code, errors on the
    form. None when done (the session follows the user's new hash), else the status to
    answer: 429 when throttled, 400 for a wrong password or code."""
    user = request.user
    try:
        change(
            user=user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            client_address=client_address(request),
        )
    except Throttled as error:
        form.add_error(None, error.message)
        return 429
    except WrongPassword as error:
        form.add_error("password", error.message)
    except IdentityError as error:
        form.add_error("code", error.message)
    else:
        auth.update_session_auth_hash(request, user_get_fresh(user))
        return None
    return 400


def user_get_fresh(user):
    user.refresh(consistent_read=True)
    return user


def qr_svg(uri):
    """The QR code as SVG markup made here (segno): no external request, no inline style
    or script, so the strict CSP holds."""
    import segno
    from django.utils.safestring import mark_safe

    svg = segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code of your TOTP secret"
    )
    return mark_safe(svg)  # markup generated by segno from our own URI
