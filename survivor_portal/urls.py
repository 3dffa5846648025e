from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from .views import account, check_point, contact_request, home, leave, ops, plan, thread

urlpatterns = [
    path("", home.home, name="portal-home"),
    path("leave/", leave.leave, name="portal-leave"),
    # Her own pages (SPEC 4): neutral addresses, no ids.
    path("start/", account.activate, name="portal-activate"),
    path("settings/", account.contact_settings, name="portal-settings"),
    path("settings/pause/", account.pause, name="portal-pause"),
    path("settings/second-passphrase/", account.second_passphrase, name="portal-second"),
    path("messages/", thread.thread, name="portal-messages"),
    path("plan/", plan.plan, name="portal-plan"),
    # A few questions for her (SPEC 14): her earliest due check-point, no ids.
    path("your-views/", check_point.check_point, name="portal-check-point"),
    path("messages/clear/", thread.clear, name="portal-messages-clear"),
    path("notes/", thread.shared_notes, name="portal-notes"),
    path("sign-out/", leave.sign_out, name="portal-sign-out"),
    # Asking to be contacted (SPEC 13): public, neutral, the same thanks whatever happens.
    path("get-in-touch/", contact_request.get_in_touch, name="portal-get-in-touch"),
    path(
        "get-in-touch/thanks/",
        contact_request.get_in_touch_thanks,
        name="portal-get-in-touch-thanks",
    ),
    # Her language (SPEC 11): the switch on every portal page and her settings.
    path("language/", account.language, name="portal-language"),
    path("healthz", ops.healthz, name="healthz"),
    path("ping", ops.ping, name="ping"),
    path("staff/", include("contacts.urls")),
    path("staff/", include("programme.urls")),
    path("staff/", include("survivors.urls")),
    path("staff/", include("checkins.urls")),
    path("sms/", include("checkins.urls_sms")),
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

# Our own error pages everywhere (neutral on the portal, a way back for staff),
# and for a form post the CSRF check refuses (settings.CSRF_FAILURE_VIEW).
handler400 = "survivor_portal.views.errors.bad_request"
handler403 = "survivor_portal.views.errors.permission_denied"
handler404 = "survivor_portal.views.errors.page_not_found"
handler500 = "survivor_portal.views.errors.server_error"
