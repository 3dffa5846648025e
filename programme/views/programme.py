"""Programme side: groups, sessions, the attendance register (on screen and from
a CSV file), participants, status changes and risk concerns.

Nothing here looks at or depends on survivors (SPEC 2): no page, count, error
or query differs with whether anyone is linked to a man. The only write that
reaches the Women's Support Service side (an alert) is a single statement run
whether or not anyone is linked, and nothing of it comes back here.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from contacts import policy
from contacts.http import AuthenticatedHttpRequest
from contacts.views.common import found, staff_page
from programme.errors import ProgrammeError, RegisterError, RegisterImportError
from programme.forms import (
    GroupForm,
    ParticipantForm,
    RegisterForm,
    RegisterImportConfirmForm,
    RegisterImportForm,
    RiskConcernForm,
    SessionForm,
    SessionTopicForm,
    StatusChangeForm,
)
from programme.models import Participant, ParticipantStatus
from programme.selectors import lists as list_selectors
from programme.selectors import records as records_selectors
from programme.services import imports
from programme.services import records as records_services
from programme.services.imports import COLUMNS, MAX_BYTES


@staff_page(policy.can_use_programme_side)
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_selectors.groups_page(params=request.GET)
    return render(
        request,
        "staff/group_list.html",
        {
            "listing": listing,
            "can_record": policy.can_record_programme_data(request.user),
        },
        status=400 if listing.invalid else 200,
    )


@staff_page(policy.can_record_programme_data)
@require_http_methods(["GET", "POST"])
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = records_services.group_create(actor=request.user, **form.cleaned_data)
        except ProgrammeError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, "Group added.")
            return HttpResponseRedirect(reverse("staff-group", args=[group.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/group_form.html", {"form": form}, status=status)


@staff_page(policy.can_use_programme_side)
def group_detail(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    context = found(records_selectors.group_detail(group_id=group_id))
    context["can_record"] = policy.can_record_programme_data(request.user)
    context["session_form"] = SessionForm(group=context["group"])
    listing = list_selectors.sessions_page(group=context["group"], params=request.GET)
    context["listing"] = listing
    return render(
        request, "staff/group_detail.html", context, status=400 if listing.invalid else 200
    )


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def session_create(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    context = found(records_selectors.group_detail(group_id=group_id))
    form = SessionForm(request.POST, group=context["group"])
    if form.is_valid():
        session = records_services.session_create(
            actor=request.user,
            group=context["group"],
            starts_at=form.cleaned_data["starts_at"],
            location=form.cleaned_data["location"],
            module=form.cleaned_data["module"],
        )
        messages.success(request, "Session added.")
        return HttpResponseRedirect(reverse("staff-register", args=[session.pk]))
    context.update(
        can_record=True,
        session_form=form,
        listing=list_selectors.sessions_page(group=context["group"], params=QueryDict()),
    )
    return render(request, "staff/group_detail.html", context, status=400)


@staff_page(policy.can_use_programme_side)
@require_http_methods(["GET", "POST"])
def session_register(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """One screen, one submit: every person on the register marked."""
    session = found(records_selectors.session(session_id=session_id))
    can_record = policy.can_record_programme_data(request.user)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    participants = records_selectors.register_participants(session=session)
    # The stored marks are only needed to show the form, not to save it.
    current = {} if request.method == "POST" else records_selectors.register_marks(session=session)
    form = RegisterForm(request.POST or None, participants=participants, current=current)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                changed, started = records_services.attendance_register_submit(
                    actor=request.user,
                    session=session,
                    marks=form.marks(),
                    on_register=participants,
                )
            except RegisterError as failure:
                error = str(failure.message)
            else:
                messages.success(
                    request,
                    f"Register saved: {changed} mark{pluralize(changed)} changed."
                    if changed
                    else "Register saved: nothing had changed.",
                )
                _say_who_started(request, started)
                return HttpResponseRedirect(reverse("staff-register", args=[session.pk]))
        else:
            error = "Mark every person on the register before saving. Nothing was saved."
    stored = (
        current if request.method == "GET" else records_selectors.register_marks(session=session)
    )
    return render(
        request,
        "staff/register.html",
        {
            "session": session,
            "form": form,
            "error": error,
            "can_record": can_record,
            "started": records_selectors.session_has_started(session=session),
            "marked": [p for p in participants if p.pk in stored],
            "topic_form": SessionTopicForm(initial={"module": session.module_id}),
        },
        status=400 if error else 200,
    )


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def session_topic(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """Set or change what the group works on in this session."""
    session = found(records_selectors.session(session_id=session_id))
    form = SessionTopicForm(request.POST)
    if form.is_valid():
        module = form.cleaned_data["module"]
        if records_services.session_topic_set(actor=request.user, session=session, module=module):
            messages.success(request, f"Topic set: {module}." if module else "Topic removed.")
        else:
            messages.info(request, "The topic was already set to that; nothing changed.")
    else:
        messages.error(request, "That topic is no longer available. Choose one from the list.")
    return HttpResponseRedirect(reverse("staff-register", args=[session.pk]))


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def session_register_clear(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """Clear one person's mistaken mark (e.g. one recorded before the session began)."""
    session = found(records_selectors.session(session_id=session_id))
    try:
        participant_id = int(request.POST.get("participant", ""))
    except ValueError:
        participant_id = 0
    try:
        attendance = records_services.attendance_clear(
            actor=request.user, session=session, participant_id=participant_id
        )
    except RegisterError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(
            request, f"Mark cleared for {attendance.participant.reference}: now not marked."
        )
    return HttpResponseRedirect(reverse("staff-register", args=[session.pk]))


@staff_page(policy.can_record_programme_data)
@require_http_methods(["GET", "POST"])
def register_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a register file: a dry run shows what would change; nothing is saved."""
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "columns": COLUMNS}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_BYTES + 1)
            try:
                plan = imports.register_import_plan(data=data)
            except RegisterImportError as failure:
                context.update(error=failure.message, problems=failure.rows)
            else:
                status = 200
                context.update(
                    plan=plan,
                    confirm_form=RegisterImportConfirmForm(
                        initial={"data": data.decode("utf-8-sig")}
                    ),
                )
        elif request.FILES.get("file") is not None:
            context["error"] = "The file is empty. Nothing was changed."
        else:
            context["error"] = "Choose a CSV file to check."
    return render(request, "staff/register_import.html", context, status=status)


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def register_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save a previewed file. It is checked again: all rows or none."""
    form = RegisterImportConfirmForm(request.POST)
    context: dict[str, object] = {"form": RegisterImportForm(), "columns": COLUMNS}
    if not form.is_valid():
        context["error"] = "There was no file to import. Choose the file again."
        return render(request, "staff/register_import.html", context, status=400)
    try:
        plan = imports.register_import_apply(
            actor=request.user, data=form.cleaned_data["data"].encode("utf-8")
        )
    except RegisterImportError as failure:
        context.update(error=failure.message, problems=failure.rows)
        return render(request, "staff/register_import.html", context, status=400)
    if plan.new or plan.changed or plan.new_sessions:
        marks = f"{plan.new} new mark{pluralize(plan.new)}"
        sessions = f"{plan.new_sessions} new session{pluralize(plan.new_sessions)}"
        messages.success(
            request,
            f"Imported: {marks}, {plan.changed} changed, {plan.unchanged} already recorded, "
            f"{sessions}.",
        )
    else:
        messages.success(request, "Nothing to import: every mark in the file was already recorded.")
    _say_who_started(request, plan.started)
    return HttpResponseRedirect(reverse("staff-register-import"))


def _say_who_started(request: AuthenticatedHttpRequest, started: list[Participant]) -> None:
    """A first mark saying he was there records his start (SPEC 6): say whose."""
    if started:
        references = ", ".join(participant.reference for participant in started)
        messages.info(
            request,
            f"First session attended, so the status of {references} is now "
            f"{ParticipantStatus.ATTENDING.label}.",
        )


@staff_page(policy.can_use_programme_side)
def participant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_selectors.participants_page(params=request.GET)
    return render(
        request,
        "staff/participant_list.html",
        {"listing": listing, "can_record": policy.can_record_programme_data(request.user)},
        status=400 if listing.invalid else 200,
    )


@staff_page(policy.can_record_programme_data)
@require_http_methods(["GET", "POST"])
def participant_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = records_services.participant_create(
                actor=request.user, **form.cleaned_data
            )
        except ProgrammeError as error:
            form.add_error("reference", error.message)
        else:
            messages.success(request, "Participant added.")
            return HttpResponseRedirect(reverse("staff-participant", args=[participant.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/participant_form.html", {"form": form}, status=status)


@staff_page(policy.can_use_programme_side)
def participant_detail(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    context = found(records_selectors.participant_record(participant_id=participant_id))
    context["status_form"] = StatusChangeForm(initial={"status": context["participant"].status})
    context["concern_form"] = RiskConcernForm()
    context["can_record"] = policy.can_record_programme_data(request.user)
    return render(request, "staff/participant_detail.html", context)


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def participant_status(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    context = found(records_selectors.participant_record(participant_id=participant_id))
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            records_services.status_change_record(
                actor=request.user,
                participant=context["participant"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ProgrammeError as error:
            form.add_error("status", error.message)
        else:
            messages.success(request, "Status recorded.")
            return HttpResponseRedirect(reverse("staff-participant", args=[participant_id]))
    context.update(status_form=form, concern_form=RiskConcernForm(), can_record=True)
    return render(request, "staff/participant_detail.html", context, status=400)


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def participant_concern(request: AuthenticatedHttpRequest, participant_id: int) -> HttpResponse:
    context = found(records_selectors.participant_record(participant_id=participant_id))
    form = RiskConcernForm(request.POST)
    if form.is_valid():
        try:
            records_services.risk_concern_raise(
                actor=request.user, participant=context["participant"], **form.cleaned_data
            )
        except ProgrammeError as error:
            form.add_error("occurred_on" if error.code == "in_future" else None, error.message)
        else:
            messages.success(request, "Concern recorded.")
            return HttpResponseRedirect(reverse("staff-participant", args=[participant_id]))
    context.update(
        status_form=StatusChangeForm(initial={"status": context["participant"].status}),
        concern_form=form,
        can_record=True,
    )
    return render(request, "staff/participant_detail.html", context, status=400)


@staff_page(policy.can_record_programme_data)
@require_http_methods(["POST"])
def participant_concern_told(
    request: AuthenticatedHttpRequest, participant_id: int, concern_id: int
) -> HttpResponse:
    """He has been told about a concern: it goes into his copy of his records (SPEC 12)."""
    participant = found(records_selectors.participant(participant_id=participant_id))
    try:
        records_services.risk_concern_mark_told(
            actor=request.user, participant=participant, concern_id=concern_id
        )
    except ProgrammeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Recorded that he was told about this concern.")
    return HttpResponseRedirect(reverse("staff-participant", args=[participant_id]) + "#concerns")
