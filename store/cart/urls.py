from django.urls import path

from store.cart import views
from store.promotions import views as promotion_views

# Included from store/urls.py, so the names live in the "store" namespace.
urlpatterns = [
    path("", views.cart_detail, name="cart"),
    path("add/", views.cart_add, name="cart-add"),
    path("update/", views.cart_update, name="cart-update"),
    path("remove/", views.cart_remove, name="cart-remove"),
    path("discount/", promotion_views.cart_discount_apply, name="cart-discount"),
    path("discount/remove/", promotion_views.cart_discount_remove, name="cart-discount-remove"),
]
