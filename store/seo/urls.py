from django.urls import path

from store.seo import views

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path("sitemaps/pages.xml", views.sitemap_pages, name="sitemap-pages"),
    path("sitemaps/<str:category>.xml", views.sitemap_category, name="sitemap-category"),
]
