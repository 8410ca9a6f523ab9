from django.urls import path

from store.discovery import views

urlpatterns = [
    path("best-sellers/", views.best_sellers, name="best-sellers"),
    path("new-releases/", views.new_releases, name="new-releases"),
]
