from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import auth
from accounts.forms import SignInForm
from accounts.services import user_authenticate


def safe_next(request, default="store:home"):
    """The ``next`` parameter if it stays within this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_authenticate(**form.cleaned_data)
        if user is not None:
            auth.login(request, user)
            messages.success(request, f"Welcome back, {user.first_name or user.email}.")
            return redirect(safe_next(request))
        form.add_error(None, "That email and password do not match an active account.")
    return render(request, "accounts/sign_in.html",
                  {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
                  status=400 if form.errors else 200)


@require_POST
def sign_out(request):
    auth.logout(request)
    messages.info(request, "You have signed out.")
    return redirect("store:home")
