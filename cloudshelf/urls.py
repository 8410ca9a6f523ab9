from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("admin/", include("store.staff.urls", namespace="staff")),
    path("api/", include("store.api.urls")),
    path("", include("store.seo.urls")),
    path("", include("store.urls")),
]

handler400 = "cloudshelf.views.bad_request"
handler404 = "cloudshelf.views.page_not_found"
handler500 = "cloudshelf.views.server_error"
