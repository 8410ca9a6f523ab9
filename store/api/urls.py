from django.urls import path, re_path

from store.api import views

app_name = "api"

urlpatterns = [
    path("v1/openapi.json", views.openapi_json, name="openapi"),
    path("v1/categories", views.categories, name="categories"),
    path("v1/categories/<str:category>/books", views.category_books, name="category-books"),
    path("v1/books", views.books_by_title, name="books-by-title"),
    path("v1/books/<str:category>/<str:book_id>", views.book, name="book"),
    path("v1/search", views.search, name="search"),
    # Last: every other URL under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"", views.not_found, name="not-found"),
]
