from django.urls import path

from store.orders import views
from store.payments import views as payment_views

# Included from store/urls.py, so the names live in the "store" namespace.
urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/place/", views.checkout_place, name="checkout-place"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<str:order_id>/", views.order_detail, name="order-detail"),
    path(
        "orders/<str:order_id>/confirmation/", views.order_confirmation, name="order-confirmation"
    ),
    path("orders/<str:order_id>/cancel/", views.order_cancel, name="order-cancel"),
    path("orders/<str:order_id>/pay/", payment_views.order_pay, name="order-pay"),
    path(
        "orders/<str:order_id>/pay/again/", payment_views.order_pay_again, name="order-pay-again"
    ),
    path("orders/<str:order_id>/pay/return/", payment_views.payment_return, name="payment-return"),
    path("payments/webhook/", payment_views.stripe_webhook, name="stripe-webhook"),
]
