from django.urls import include, path

from store import views

app_name = "store"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.title_lookup, name="search"),
    path("category/<str:category>/", views.category_detail, name="category"),
    path("books/<str:category>/<str:book_id>/", views.book_detail, name="book-detail"),
    path("media/<path:key>", views.cover, name="cover"),
    path("cart/", include("store.cart.urls")),
    path("", include("store.orders.urls")),
]
