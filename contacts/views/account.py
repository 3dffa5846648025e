"""Staff sign-in with a password, then a TOTP code (django-otp); her own
sign-in settings, each change of them behind her password and a current code
again (SPEC 8)."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from contacts import policy
from contacts.forms import (
    AuthenticatorSetupForm,
    BackupCodeForm,
    ReauthenticationForm,
    StaffLoginForm,
    StaffPasswordChangeForm,
    TokenForm,
)
from contacts.http import AuthenticatedHttpRequest
from contacts.selectors import sign_in as sign_in_selectors
from contacts.selectors import staff as staff_selectors
from contacts.services import accounts, backup_codes, sign_in
from contacts.services.accounts import staff_password_change
from contacts.sessions import DEVICE_KEY, device_label, own_sessions
from contacts.views.common import staff_page

# One message for a wrong password and a wrong code: which of the two was wrong
# is not said to whoever is at the keyboard.
REAUTHENTICATION_FAILED = (
    "That password or code did not work, so nothing was changed. "
    "If you used a code from your app, wait for a new one and try again."
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("staff-home")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and (
        target.startswith("/")
    ):
        return target
    return reverse("staff-home")


@never_cache
@require_http_methods(["GET", "POST"])
def staff_login(request: HttpRequest) -> HttpResponse:
    form = StaffLoginForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if user is not None and policy.is_staff_member(user):
                login(request, user)
                request.session[DEVICE_KEY] = device_label(request.headers.get("User-Agent", ""))
                sign_in.staff_sign_in_record(actor=user)
                has_factor = sign_in_selectors.has_second_factor(user=user)
                target = "staff-otp-verify" if has_factor else "staff-otp-setup"
                return HttpResponseRedirect(reverse(target) + "?next=" + _next_url(request))
        error = "That username and password did not match."
    return render(
        request, "staff/login.html", {"form": form, "error": error, "next": _next_url(request)}
    )


def _rotate_session_key(request: HttpRequest) -> None:
    """The session that passed the password step is not the one that passed TOTP:
    a new key now, and the old one ends server-side (session fixation; a key
    seen before the second factor is worth nothing after it)."""
    request.session.cycle_key()


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not policy.is_staff_member(request.user):
        return HttpResponseRedirect(reverse("staff-login"))
    if not sign_in_selectors.has_authenticator(user=request.user):
        return HttpResponseRedirect(reverse("staff-otp-setup"))
    using_backup = "backup_code" in request.POST
    form = TokenForm(request.POST if request.method == "POST" and not using_backup else None)
    backup_form = BackupCodeForm(request.POST if using_backup else None)
    error = ""
    if request.method == "POST" and using_backup:
        if backup_form.is_valid():
            device = backup_codes.backup_code_verify(
                user=request.user, code=backup_form.cleaned_data["backup_code"]
            )
            if device is not None:
                otp_login(request, device)
                _rotate_session_key(request)
                left = device.remaining()
                messages.warning(
                    request,
                    f"You signed in with a backup code. {left} unused code"
                    f"{'' if left == 1 else 's'} left: make a new set under "
                    "Sign-in and security if you are running low.",
                )
                return HttpResponseRedirect(_next_url(request))
            error = (
                "That backup code did not work. Each code works once; wait a moment and try again."
            )
    elif request.method == "POST" and form.is_valid():
        device = sign_in.authenticator_code_verify(
            actor=request.user, token=form.cleaned_data["token"]
        )
        if device is not None:
            otp_login(request, device)
            _rotate_session_key(request)
            return HttpResponseRedirect(_next_url(request))
        error = "That code did not work. Wait for a new code and try again."
    return render(
        request,
        "staff/otp_verify.html",
        {
            "form": form,
            "backup_form": backup_form,
            "using_backup": using_backup,
            "error": error,
            "next": _next_url(request),
        },
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return svg[svg.find("<svg") :]


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: add an authenticator app, with her password again and the
    first code the app shows. Once one is confirmed, only a manager can reset it
    (which also removes her backup codes), so this page cannot be used to add a
    second device, and replacing one is a manager's reset and then this page."""
    if not policy.is_staff_member(request.user):
        return HttpResponseRedirect(reverse("staff-login"))
    device = sign_in.authenticator_setup_start(actor=request.user)
    if device is None:
        return HttpResponseRedirect(reverse("staff-otp-verify"))
    form = AuthenticatorSetupForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if not sign_in.password_recheck(
            request=request, actor=request.user, password=form.cleaned_data["password"]
        ):
            error = "That password did not work, so nothing was changed."
        elif sign_in.authenticator_confirm(
            actor=request.user, device=device, token=form.cleaned_data["token"]
        ):
            otp_login(request, device)
            _rotate_session_key(request)
            return HttpResponseRedirect(_next_url(request))
        else:
            error = "That code did not work. Check the time on your phone and try again."
    key = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "staff/otp_setup.html",
        {
            "form": form,
            "error": error,
            "key": key,
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - generated SVG
            "next": _next_url(request),
        },
    )


@never_cache
@require_http_methods(["POST"])
def staff_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = HttpResponseRedirect(reverse("staff-login"))
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@staff_page(policy.is_staff_member)
@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change my password: a new one that passes Django's password validators,
    with her current password and a current code (SPEC 8). Required before any
    other staff page after a manager set or reset it (``AreaAccessMiddleware``);
    the manager never sees the new one."""
    form = StaffPasswordChangeForm(request.user, request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if sign_in.factor_change_reauthenticate(
            request=request,
            actor=request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
        ):
            staff_password_change(
                actor=request.user, new_password=form.cleaned_data["new_password1"]
            )
            # This session stays signed in (with a new key); every other one ends.
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password has been changed.")
            return HttpResponseRedirect(reverse("staff-home"))
        error = REAUTHENTICATION_FAILED
    return render(
        request,
        "staff/password_change.html",
        {"form": form, "error": error, "required": request.user.must_change_password},
        status=400 if form.errors or error else 200,
    )


@staff_page(policy.is_staff_member)
@require_http_methods(["GET", "POST"])
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Her backup codes (how many are left, when any were used, a new set shown
    once on this response only, made only after her password and a current
    code) and her signed-in sessions, any of which she can end."""
    if request.method == "POST" and "end_session" in request.POST:
        token = request.POST.get("end_session", "")
        if accounts.own_session_end(actor=request.user, token=token):
            messages.success(request, "That session has been signed out.")
        else:
            messages.error(request, "That session had already ended.")
        return HttpResponseRedirect(reverse("staff-security"))
    form = ReauthenticationForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if sign_in.factor_change_reauthenticate(
            request=request,
            actor=request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
        ):
            codes = backup_codes.backup_codes_generate(actor=request.user)
            messages.success(
                request, "New backup codes made. Your old codes, if you had any, no longer work."
            )
            return render(request, "staff/backup_codes.html", {"codes": codes})
        error = REAUTHENTICATION_FAILED
    return render(
        request,
        "staff/security.html",
        {
            "form": form,
            "error": error,
            "backup": staff_selectors.backup_code_status(user=request.user),
            "sessions": own_sessions(
                user_id=request.user.pk, current_key=request.session.session_key
            ),
        },
        status=400 if form.errors or error else 200,
    )
