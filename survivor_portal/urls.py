from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

urlpatterns = [
    path("", views.home, name="portal-home"),
    path("leave/", views.leave, name="portal-leave"),
    path("healthz", views.healthz, name="healthz"),
    path("staff/", include("contacts.urls")),
    path("editor/", include(wagtailadmin_urls)),
    path("ops/", admin.site.urls),
    path("files/", include(wagtaildocs_urls)),
    # Only what the information pages need of wagtail.urls (no password login).
    path(
        "pages/_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        wagtail_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
    re_path(r"^pages/((?:[\w\-]+/)*)$", wagtail_views.serve, name="wagtail_serve"),
]
