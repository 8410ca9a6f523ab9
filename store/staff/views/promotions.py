"""Staff pages for discount codes: the list, create, edit, pause/resume/end, delete."""

from datetime import UTC, datetime, time, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import staff_required
from store.audit.models import AuditEntry
from store.promotions import selectors, services
from store.promotions.models import audit_subject
from store.promotions.rules import PromotionError
from store.staff.forms import PromotionForm, PromotionStateForm

GET_POST = ["GET", "HEAD", "POST"]


def _values(data):
    """PromotionFields from a valid PromotionForm's cleaned data."""
    starts, ends = data["starts_on"], data["ends_on"]
    return services.PromotionFields(
        kind=data["kind"],
        value=data["value"],
        min_subtotal=data["min_subtotal"],
        starts_at=datetime.combine(starts, time(), tzinfo=UTC) if starts else None,
        ends_at=datetime.combine(ends, time(), tzinfo=UTC) + timedelta(days=1) if ends else None,
        max_uses=data["max_uses"],
        per_customer=data["per_customer"],
        categories=data["categories"],
        books=data["books"],
    )


def _initial(promotion):
    return {
        "kind": promotion.kind,
        "value": promotion.value if promotion.kind != "free_shipping" else None,
        "min_subtotal": promotion.min_subtotal,
        "starts_on": promotion.starts_at.date() if promotion.starts_at else None,
        "ends_on": (promotion.ends_at - timedelta(days=1)).date() if promotion.ends_at else None,
        "max_uses": promotion.max_uses,
        "per_customer": promotion.per_customer,
        "categories": ", ".join(promotion.categories or ()),
        "books": "\n".join(promotion.books or ()),
    }


def _promotion_or_404(code):
    promotion = selectors.promotion_get(code=code, consistent_read=True)
    if promotion is None:
        raise Http404("No such discount code.")
    return promotion


@never_cache
@staff_required
@require_http_methods(GET_POST)
def promotion_list(request):
    """GET: every code and the form for a new one. POST: create it."""
    form = PromotionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                promotion = services.promotion_create(
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    values=_values(form.cleaned_data),
                )
            except PromotionError as error:
                form.add_error("code", error.message)
            else:
                messages.success(request, f"The discount code {promotion.code} was created.")
                return redirect("staff:promotion-detail", promotion.code)
        status = 400
    return render(
        request,
        "store/staff/promotion_list.html",
        {"form": form, "promotions": selectors.promotion_list()},
        status=status,
    )


@never_cache
@staff_required
@require_http_methods(GET_POST)
def promotion_detail(request, code):
    """GET: the code, its orders and history, and its form. POST: save the form."""
    promotion = _promotion_or_404(code)
    form = PromotionForm(request.POST or None, initial=_initial(promotion), editing=True)
    status = 200
    if request.method == "POST":
        version = request.POST.get("version", "")
        if form.is_valid() and version.isdigit() and len(version) < 10:
            try:
                services.promotion_update(
                    actor=request.user,
                    code=promotion.code,
                    values=_values(form.cleaned_data),
                    version=int(version),
                )
            except PromotionError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"The discount code {promotion.code} was saved.")
            return redirect("staff:promotion-detail", promotion.code)
        status = 400
    context = {
        "promotion": promotion,
        "form": form,
        "uses": selectors.promotion_orders_list(code=promotion.code),
        "audit": list(
            AuditEntry.query(audit_subject(promotion.code), scan_index_forward=False, limit=50)
        ),
    }
    return render(request, "store/staff/promotion_detail.html", context, status=status)


@never_cache
@staff_required
@require_POST
def promotion_state(request, code):
    promotion = _promotion_or_404(code)
    form = PromotionStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose active, paused or ended.")
        return redirect("staff:promotion-detail", promotion.code)
    state = form.cleaned_data["state"]
    try:
        services.promotion_state_set(actor=request.user, code=promotion.code, state=state)
    except PromotionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The discount code {promotion.code} is now {state}.")
    return redirect("staff:promotion-detail", promotion.code)


@never_cache
@staff_required
@require_POST
def promotion_delete(request, code):
    promotion = _promotion_or_404(code)
    try:
        services.promotion_delete(actor=request.user, code=promotion.code)
    except PromotionError as error:
        messages.error(request, error.message)
        return redirect("staff:promotion-detail", promotion.code)
    messages.success(request, f"The discount code {promotion.code} was deleted.")
    return redirect("staff:promotion-list")
