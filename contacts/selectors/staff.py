"""Reads for the service manager: staff accounts, allocations, disclosures.
A manager sees allocations and aggregates, never her messages (SPEC 2).
WSS means Women's Support Service."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .. import roles
from ..models import Disclosure, Participant, Survivor, User


def staff_accounts() -> QuerySet[User]:
    from django.contrib.auth.models import Group

    return (
        User.objects.filter(kind=User.Kind.STAFF)
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .order_by("username")
    )


def staff_account(*, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, kind=User.Kind.STAFF).first()
    if user is None:
        raise Http404
    return user


def wss_workers() -> QuerySet[User]:
    return User.objects.filter(
        kind=User.Kind.STAFF, is_active=True, groups__name=roles.WSS_WORKER
    ).order_by("username")


def allocations() -> QuerySet[Survivor]:
    """Every case with its worker and link: what a manager may see of her."""
    return Survivor.objects.select_related("worker", "participant", "user").order_by("pk")


def survivor_for_manager(*, survivor_id: int) -> Survivor:
    survivor = (
        Survivor.objects.select_related("worker", "participant", "user")
        .filter(pk=survivor_id)
        .first()
    )
    if survivor is None:
        raise Http404
    return survivor


def participants_for_linking() -> QuerySet[Participant]:
    return Participant.objects.order_by("reference")


def disclosures_for_manager(*, limit: int = 200) -> list[Disclosure]:
    return list(
        Disclosure.objects.select_related("worker", "survivor").order_by("-disclosed_at")[:limit]
    )
