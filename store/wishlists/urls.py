from django.urls import path

from store.wishlists import views

# Included from store/urls.py (the "store" namespace).
urlpatterns = [
    path("wishlist/", views.wishlist_detail, name="wishlist"),
    path("wishlist/add/", views.wishlist_add, name="wishlist-add"),
    path("wishlist/remove/", views.wishlist_remove, name="wishlist-remove"),
    path("wishlist/to-cart/", views.wishlist_move_to_cart, name="wishlist-move-to-cart"),
    path("cart/save-for-later/", views.cart_save_for_later, name="cart-save-for-later"),
    path("cart/saved/to-cart/", views.saved_move_to_cart, name="saved-move-to-cart"),
    path("cart/saved/remove/", views.saved_remove, name="saved-remove"),
]
