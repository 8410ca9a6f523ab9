"""Staff pages for orders (by day, through OrderDateIndex) and customers (by email)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import staff_required
from cloudshelf.dynamo import utcnow
from store.audit.selectors import order_audit_list
from store.orders import selectors
from store.orders.services import OrderError, next_statuses, order_status_set
from store.staff.forms import CustomerSearchForm, OrderDayForm, OrderStatusForm

GET = ["GET", "HEAD"]


@never_cache
@staff_required
@require_http_methods(GET)
def order_list(request):
    form = OrderDayForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "store/staff/order_list.html", {"form": form}, status=400)
    day = (form.cleaned_data.get("date") if request.GET else None) or utcnow().date()
    orders, next_token = selectors.order_list_for_day(
        day=day, page_token=request.GET.get("page"), page_size=settings.STAFF_PAGE_SIZE
    )
    return render(
        request,
        "store/staff/order_list.html",
        {
            "form": form,
            "day": day,
            "orders": orders,
            "next_token": next_token,
            "is_first_page": not request.GET.get("page"),
        },
    )


@never_cache
@staff_required
@require_http_methods(GET)
def order_detail(request, user_id, order_id):
    order = selectors.order_get(user_id=user_id, order_id=order_id, consistent_read=True)
    if order is None:
        raise Http404("No such order.")
    return render(
        request,
        "store/staff/order_detail.html",
        {
            "order": order,
            "next_statuses": next_statuses(order),
            "audit": order_audit_list(user_id=user_id, order_id=order_id),
        },
    )


@never_cache
@staff_required
@require_POST
def order_status(request, user_id, order_id):
    form = OrderStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose shipped, delivered or cancelled.")
        return redirect("staff:order-detail", user_id, order_id)
    status = form.cleaned_data["status"]
    try:
        order_status_set(user_id=user_id, order_id=order_id, status=status, actor=request.user)
    except OrderError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"The order is now {status}."
            + (" Its books are back in stock." if status == "cancelled" else ""),
        )
    return redirect("staff:order-detail", user_id, order_id)


@never_cache
@staff_required
@require_http_methods(GET)
def customer_lookup(request):
    form = CustomerSearchForm(request.GET or None)
    context = {"form": form, "searched": False}
    if request.GET:
        if not form.is_valid():
            return render(request, "store/staff/customers.html", context, status=400)
        user, orders = selectors.customer_orders_get(email=form.cleaned_data["email"])
        context.update(searched=True, customer=user, orders=orders)
    return render(request, "store/staff/customers.html", context)
