from django.urls import path

from cloudshelf.lazyviews import lazy_view
from store.payments import views as payment_views
from store.reviews.urls import staff_urlpatterns as review_urlpatterns

app_name = "staff"


def staff_view(name):
    """A view of store/staff/views/, imported by its page's first request: no shopper's
    page needs the staff forms, the CSV import or the charts (cloudshelf/lazyviews.py)."""
    return lazy_view(f"store.staff.views.{name}")


BOOK = "books/<str:category>/<str:book_id>/"
ORDER = "orders/<str:user_id>/<str:order_id>/"

urlpatterns = [
    path("", staff_view("dashboard.dashboard"), name="dashboard"),
    path(
        "low-stock/recount/", staff_view("dashboard.low_stock_recount"), name="low-stock-recount"
    ),
    path("books/", staff_view("books.book_list"), name="book-list"),
    path("books/new/", staff_view("books.book_create"), name="book-create"),
    path("books/import/", staff_view("books.book_import"), name="book-import"),
    path(BOOK, staff_view("books.book_detail"), name="book-detail"),
    path(BOOK + "cover/", staff_view("books.book_cover"), name="book-cover"),
    path(BOOK + "stock/", staff_view("books.book_stock"), name="book-stock"),
    path(BOOK + "visibility/", staff_view("books.book_visibility"), name="book-visibility"),
    path("orders/", staff_view("orders.order_list"), name="order-list"),
    path(ORDER, staff_view("orders.order_detail"), name="order-detail"),
    path(ORDER + "status/", staff_view("orders.order_status"), name="order-status"),
    path(ORDER + "refund/", payment_views.staff_refund, name="order-refund"),
    path("customers/", staff_view("orders.customer_lookup"), name="customers"),
    path("payments/", staff_view("payments.payment_settings"), name="payment-settings"),
    path("promotions/", staff_view("promotions.promotion_list"), name="promotion-list"),
    path(
        "promotions/<str:code>/",
        staff_view("promotions.promotion_detail"),
        name="promotion-detail",
    ),
    path(
        "promotions/<str:code>/state/",
        staff_view("promotions.promotion_state"),
        name="promotion-state",
    ),
    path(
        "promotions/<str:code>/delete/",
        staff_view("promotions.promotion_delete"),
        name="promotion-delete",
    ),
    *review_urlpatterns,
]
