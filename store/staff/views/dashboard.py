"""The staff dashboard: today's figures, the last 30 days, books low on stock, and how far
behind the event streams are."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import staff_required
from cloudshelf.dynamo import utcnow
from cloudshelf.streams.deadletters import dead_letters_count
from cloudshelf.streams.positions import positions_all
from store.catalog.projections import low_stock_rebuild
from store.catalog.selectors import low_stock_list
from store.orders import reports
from store.staff.charts import bar_chart
from store.templatetags.store_tags import money


@never_cache
@staff_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request):
    figures = reports.dashboard(today=utcnow().date())
    days = figures["days"]
    charts = {
        "orders": bar_chart(
            days,
            value=lambda d: d.orders,
            describe=lambda d: f"{d.day:%b %-d}: {d.orders} order{pluralize(d.orders)}",
        ),
        "revenue": bar_chart(
            days,
            value=lambda d: d.revenue,
            describe=lambda d: f"{d.day:%b %-d}: {money(d.revenue)}",
        ),
    }
    return render(
        request,
        "store/staff/dashboard.html",
        {
            **figures,
            "charts": charts,
            "threshold": settings.LOW_STOCK_THRESHOLD,
            "stream_positions": positions_all(),
            "dead_letters": dead_letters_count(),
        },
    )


@never_cache
@staff_required
@require_POST
def low_stock_recount(request):
    low_stock_rebuild()
    messages.success(request, f"Recounted: {len(low_stock_list())} books are low on stock.")
    return redirect("staff:dashboard")
