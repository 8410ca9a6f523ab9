"""Back-in-stock alert pages: subscribe (from the sold-out book page), confirm and
unsubscribe by signed links, no sign-in needed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from store.alerts import services
from store.alerts.forms import StockAlertForm
from store.catalog.selectors import book_get


@require_POST
def stock_alert_subscribe(request, category, book_id):
    book = book_get(category=category, book_id=book_id)
    if book is None:
        raise Http404("No such book.")
    if request.user.is_authenticated and request.user.email:
        services.stock_alert_subscribe(book=book, email=request.user.email, verified=True)
        messages.success(request, f"We will email {request.user.email} when it is back.")
        return redirect("store:book-detail", category, book_id)
    form = StockAlertForm(request.POST)
    if not form.is_valid():
        return render(
            request, "store/alerts/subscribe.html", {"book": book, "form": form}, status=400
        )
    services.stock_alert_subscribe(book=book, email=form.cleaned_data["email"], verified=False)
    # The same answer whether the address was subscribed already or not.
    messages.success(request, "Check your inbox: confirm the alert with the link we sent.")
    return redirect("store:book-detail", category, book_id)


@require_safe
def stock_alert_confirm(request, token):
    alert = services.stock_alert_confirm(token=token)
    messages.success(request, "Your alert is confirmed: we will email you when it is back.")
    return redirect("store:book-detail", alert.category, alert.book_id)


@require_safe
def stock_alert_unsubscribe_page(request, token):
    return render(request, "store/alerts/unsubscribe.html", {"token": token})


@require_POST
def stock_alert_unsubscribe(request, token):
    services.stock_alert_unsubscribe(token=token)
    return render(request, "store/alerts/unsubscribed.html")
