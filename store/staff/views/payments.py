"""Staff: the payments' setting, how long an unpaid order holds its stock."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import staff_required
from store.audit.models import AuditEntry
from store.payments import services
from store.payments.models import AUDIT_SUBJECT
from store.payments.selectors import payment_time_limit_minutes
from store.staff.forms import PaymentTimeLimitForm


def _page(request, form, *, status=200):
    audit = list(AuditEntry.query(AUDIT_SUBJECT, scan_index_forward=False, limit=20))
    return render(
        request, "store/staff/payment_settings.html", {"form": form, "audit": audit}, status=status
    )


@never_cache
@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def payment_settings(request):
    """GET: the limit now (one GetItem) and its history. POST: set it (bad input: 400)."""
    if request.method != "POST":
        form = PaymentTimeLimitForm(initial={"time_limit_minutes": payment_time_limit_minutes()})
        return _page(request, form)
    form = PaymentTimeLimitForm(request.POST)
    if form.is_valid():
        try:
            minutes = services.payment_time_limit_set(
                minutes=form.cleaned_data["time_limit_minutes"], actor=request.user
            )
        except services.SettingRefused as error:
            form.add_error("time_limit_minutes", error.message)
        else:
            messages.success(
                request,
                f"Orders placed from now on keep their books for {minutes} minutes "
                "while they wait for payment.",
            )
            return redirect("staff:payment-settings")
    return _page(request, form, status=400)
