"""Domain events of the dossiers app (Django signals), sent by services after commit.

Receivers (the national-portal sync, KPIs, the officers' workspace…) connect to them instead of
reaching into the services:

    from chinhquyenso.dossiers.events import dossier_changed

    @receiver(dossier_changed)
    def on_change(sender, dossier_id, action, status_before, status_after, **kwargs): ...

`action` is a workflow action ("receive", "approve"…) or one of the service use cases that are
not table rows: "start_draft", "save_draft", "attach_component", "receive_at_counter",
"import_national", "sweep_due_soon", "sweep_overdue".
"""

from django.dispatch import Signal

# kwargs: dossier_id, action, status_before, status_after, actor_id
dossier_changed = Signal()

# Notification event names sent to the applicant per action (templates seeded by migration 0003).
APPLICANT_EVENTS: dict[str, str] = {
    "submit": "dossier.submitted",
    "import_national": "dossier.submitted",
    "receive": "dossier.received",
    "receive_at_counter": "dossier.received",
    "refuse": "dossier.refused",
    "request_supplement": "dossier.supplement_requested",
    "request_financial": "dossier.financial_requested",
    "approve": "dossier.finished",
    "return_result": "dossier.returned",
    "withdraw": "dossier.withdrawn",
    "stop": "dossier.stopped",
    "extend": "dossier.extended",
}
# Sent to officers by the sweep.
DUE_SOON_EVENT = "dossier.due_soon"
OVERDUE_EVENT = "dossier.overdue"
