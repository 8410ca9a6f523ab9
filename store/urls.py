from django.urls import include, path

from store import views
from store.search import views as search_views

app_name = "store"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
    path("category/<str:category>/", views.category_detail, name="category"),
    path("books/<str:category>/<str:book_id>/", views.book_detail, name="book-detail"),
    path("media/<path:key>", views.cover, name="cover"),
    path("", include("store.reviews.urls")),
    path("", include("store.discovery.urls")),
    path("", include("store.alerts.urls")),
    path("", include("store.wishlists.urls")),
    path("cart/", include("store.cart.urls")),
    path("", include("store.orders.urls")),
]
