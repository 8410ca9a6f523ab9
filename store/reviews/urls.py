from django.urls import path

from store.reviews import views

BOOK = "books/<str:category>/<str:book_id>/reviews/"

# Included from store/urls.py (the "store" namespace).
urlpatterns = [
    path(BOOK, views.review_list, name="review-list"),
    path(BOOK + "new/", views.review_create, name="review-create"),
    path(BOOK + "mine/", views.review_edit, name="review-edit"),
    path(BOOK + "mine/delete/", views.review_delete, name="review-delete"),
    path(BOOK + "report/", views.review_report, name="review-report"),
]

# Included from store/staff/urls.py (the "staff" namespace).
staff_urlpatterns = [
    path("reviews/reported/", views.review_reported_list, name="reviews-reported"),
    path("reviews/hide/", views.review_hide, name="review-hide"),
    path("reviews/unhide/", views.review_unhide, name="review-unhide"),
]
