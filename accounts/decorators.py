from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse


def redirect_to_login(next_path):
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_path})}")


def login_required(view):
    """Anonymous visitors go to the sign-in page, and come back after signing in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def staff_needs_totp(user):
    """With Cognito, staff reach staff pages only with TOTP on: then each of their sign-ins
    has passed the code step (turning it on ends the sessions made before)."""
    from accounts.identity import is_cognito

    return is_cognito() and user.is_staff and not user.totp_enabled


def staff_refusal(request):
    """What a visitor who is not staff gets from a staff page (None for staff)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        return render(request, "403.html", {"message": "This page is for staff only."}, status=403)
    if staff_needs_totp(request.user):
        messages.warning(
            request, "Staff pages need two-step sign-in: set it up here first, please."
        )
        return redirect("accounts:two-factor")
    return None


def staff_required(view):
    """Anonymous visitors are sent to sign in; signed-in shoppers get a 403. The view is
    marked ``staff_only`` (kept by the decorators around it) so that the middleware
    refusing unsupported methods leaves non-staff to the guard."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return staff_refusal(request) or view(request, *args, **kwargs)

    wrapper.staff_only = True
    return wrapper
