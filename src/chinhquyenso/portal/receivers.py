"""Domain events → notifications. The wiring lives here, in the composition root, because
accounts sits below notifications and must not import it."""

from chinhquyenso.accounts import events
from chinhquyenso.notifications.services import notify


def on_citizen_registered(sender, user, **kwargs) -> None:
    notify("account.registered", user, {"user": user}, dedupe_key=f"account.registered:{user.pk}")


def on_two_factor_enabled(sender, user, **kwargs) -> None:
    notify("twofactor.enabled", user, {"user": user})


def on_account_locked(sender, user, minutes: int, attempt=None, **kwargs) -> None:
    key = f"account.locked:{user.pk}:{attempt.pk}" if attempt is not None else None
    notify("account.locked", user, {"user": user, "minutes": minutes}, dedupe_key=key)


def connect() -> None:
    events.citizen_registered.connect(on_citizen_registered, dispatch_uid="portal.citizen_registered")
    events.two_factor_enabled.connect(on_two_factor_enabled, dispatch_uid="portal.two_factor_enabled")
    events.account_locked.connect(on_account_locked, dispatch_uid="portal.account_locked")
