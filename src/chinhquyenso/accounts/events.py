"""Domain events of accounts. Apps above accounts (notifications, through the portal's wiring)
react to them; accounts itself never imports them (ARCHITECTURE.md: apps talk through services
and domain events). Sent inside the service's transaction, so what a receiver writes commits or
rolls back with the change."""

from django.dispatch import Signal

citizen_registered = Signal()  # user
two_factor_enabled = Signal()  # user
account_locked = Signal()  # user, minutes
