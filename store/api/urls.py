from django.urls import path, re_path

from store.api import account_views, views

app_name = "api"

urlpatterns = [
    path("v1/openapi.json", views.openapi_json, name="openapi"),
    path("v1/categories", views.categories, name="categories"),
    path("v1/categories/<str:category>/books", views.category_books, name="category-books"),
    path("v1/books", views.books_by_title, name="books-by-title"),
    path("v1/books/<str:category>/<str:book_id>", views.book, name="book"),
    path("v1/search", views.search, name="search"),
    path("v1/cart", account_views.cart, name="cart"),
    path("v1/cart/items", account_views.cart_items, name="cart-items"),
    path("v1/cart/items/<str:category>/<str:book_id>", account_views.cart_line, name="cart-line"),
    path("v1/orders", account_views.orders, name="orders"),
    path("v1/orders/<str:order_id>", account_views.order, name="order"),
    # Last: every other URL under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"", views.not_found, name="not-found"),
]
