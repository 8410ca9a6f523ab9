from django.urls import path

from store.payments import views as payment_views
from store.reviews.urls import staff_urlpatterns as review_urlpatterns
from store.staff.views import books, dashboard, orders, payments, promotions

app_name = "staff"

BOOK = "books/<str:category>/<str:book_id>/"
ORDER = "orders/<str:user_id>/<str:order_id>/"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("low-stock/recount/", dashboard.low_stock_recount, name="low-stock-recount"),
    path("books/", books.book_list, name="book-list"),
    path("books/new/", books.book_create, name="book-create"),
    path("books/import/", books.book_import, name="book-import"),
    path(BOOK, books.book_detail, name="book-detail"),
    path(BOOK + "cover/", books.book_cover, name="book-cover"),
    path(BOOK + "stock/", books.book_stock, name="book-stock"),
    path(BOOK + "visibility/", books.book_visibility, name="book-visibility"),
    path("orders/", orders.order_list, name="order-list"),
    path(ORDER, orders.order_detail, name="order-detail"),
    path(ORDER + "status/", orders.order_status, name="order-status"),
    path(ORDER + "refund/", payment_views.staff_refund, name="order-refund"),
    path("customers/", orders.customer_lookup, name="customers"),
    path("payments/", payments.payment_settings, name="payment-settings"),
    path("promotions/", promotions.promotion_list, name="promotion-list"),
    path("promotions/<str:code>/", promotions.promotion_detail, name="promotion-detail"),
    path("promotions/<str:code>/state/", promotions.promotion_state, name="promotion-state"),
    path("promotions/<str:code>/delete/", promotions.promotion_delete, name="promotion-delete"),
    *review_urlpatterns,
]
