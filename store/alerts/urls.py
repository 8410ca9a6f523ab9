from django.urls import path

from store.alerts import views

# Included from store/urls.py (the "store" namespace).
urlpatterns = [
    path(
        "books/<str:category>/<str:book_id>/stock-alert/",
        views.stock_alert_subscribe,
        name="stock-alert-subscribe",
    ),
    path(
        "stock-alerts/confirm/<str:token>/", views.stock_alert_confirm, name="stock-alert-confirm"
    ),
    path(
        "stock-alerts/unsubscribe/<str:token>/",
        views.stock_alert_unsubscribe_page,
        name="stock-alert-unsubscribe",
    ),
    path(
        "stock-alerts/unsubscribe/<str:token>/done/",
        views.stock_alert_unsubscribe,
        name="stock-alert-unsubscribe-done",
    ),
]
