"""Every write to dossiers (ARCHITECTURE.md habit 1). Public API — see docs/dossiers.md:

    start_draft, save_draft, attach_component, remove_component, submit        (citizens, online)
    receive_at_counter                                                           (walk-in, channel 1/3)
    record_payment, attach_result                                                (fees paid, electronic results)
    import_from_national_portal                                                  (Cổng DVCQG, status 1 channel 2)
    perform(dossier_id, action, *, actor, **payload)                             (any workflow.TRANSITIONS row)
    sweep                                                                        (background deadline sweep)

Errors: DossierError (400), NotAllowed (403), NotFound (404), Conflict (409) — all subclasses of
django.core.exceptions.ValidationError with a Vietnamese message (`.text`) and `.status`.
"""

from .common import Conflict, DossierError, NotAllowed, NotFound, next_code
from .files import attach_component, check_file, remove_component
from .intake import (
    default_reception_agency,
    default_resolving_agency,
    import_from_national_portal,
    receive_at_counter,
    save_draft,
    start_draft,
    submit,
)
from .payments import attach_result, record_payment
from .sweep import sweep
from .transitions import perform

__all__ = [
    "Conflict", "DossierError", "NotAllowed", "NotFound", "attach_component", "attach_result", "record_payment", "check_file",
    "default_reception_agency", "default_resolving_agency", "import_from_national_portal", "next_code", "perform",
    "receive_at_counter", "remove_component", "save_draft", "start_draft", "submit", "sweep",
]
