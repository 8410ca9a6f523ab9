from django.apps import AppConfig


class SeoConfig(AppConfig):
    name = "store.seo"
    label = "seo"
