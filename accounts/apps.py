from django.apps import AppConfig
from django.conf import settings


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        # A laptop's emulator data made before a table existed (the throttles table, say)
        # lacks it, and the store's first-start bootstrap does not run again: create what
        # is missing (idempotent; the dev server only, never tests or AWS).
        if settings.LOCALAWS and settings.LOCALAWS.get("seed"):
            from cloudshelf.tables import tables_create

            tables_create()
