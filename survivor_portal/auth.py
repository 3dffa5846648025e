"""Her sign-in: one backend that checks her usual and her second passphrase
with the same work every time.

Whatever she types, the backend makes one query (the account with its second
passphrase hash) and computes exactly two password hashes: her usual
passphrase and her second one, each against a dummy when there is none (or no
account), so a duress sign-in, a normal sign-in, a failure and an unknown
username cost the same. It acts only when the portal's sign-in asks
(``portal=True``); staff sign-in goes on to Django's ModelBackend untouched.
A failure raises PermissionDenied, so Django signals it and django-axes counts
it as for any other failed sign-in.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from contacts.models import User


class PortalPassphraseBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        *,
        portal: bool = False,
        **kwargs: object,
    ) -> User | None:
        if not portal or password is None:
            return None
        user = (
            User.objects.select_related("survivor")
            .filter(username=username or "", kind=User.Kind.SURVIVOR)
            .first()
        )
        survivor = getattr(user, "survivor", None) if user is not None else None
        second_hash = survivor.duress_passphrase if survivor is not None else ""
        # Always both hashes (check_password runs the hasher on a dummy too).
        usual = user.check_password(password) if user is not None else check_password(password, "")
        second = check_password(password, second_hash)
        if user is None or not user.is_active or survivor is None:
            raise PermissionDenied
        if usual:
            user.portal_quiet = False
            return user
        if second and second_hash:
            user.portal_quiet = True
            return user
        raise PermissionDenied

    def get_user(self, user_id: int) -> User | None:
        """As Django's ModelBackend: the active account her session names."""
        user = User._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


# The dotted path her session names (survivor_portal.views.common signs her in
# with it; the load benchmark's seeded session names it too).
PORTAL_BACKEND = f"{PortalPassphraseBackend.__module__}.{PortalPassphraseBackend.__qualname__}"
