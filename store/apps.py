from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "store"

    def ready(self):
        from store.cart import signals  # noqa: F401  (connects the sign-in cart merge)
