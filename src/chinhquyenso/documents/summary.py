# ruff: noqa: S608 — SQL text is built from model table/column names only; values are constants.
"""The summary columns of an official document (Document.DB_MAINTAINED), kept by database
triggers (core.rowsummary) on its files and recipients, whatever writes them: whether its main
file is digitally signed, whether it goes to an agency outside the system and whether it was sent
to one — what the IOC counts as "signed digitally" and "exchanged electronically"
(dashboard.indicators.sources.document_counts) without probing two child tables per document."""

from chinhquyenso.core.rowsummary import RowSummary

from .models import Attachment, DeliveryState, Document, FileRole, Recipient, RecipientKind

COLUMNS = ("signed_main", "has_external", "external_sent")
# A recipient outside the system counts as exchanged once sent (pending and refused do not).
SENT_STATES = (DeliveryState.SENT, DeliveryState.RECEIVED, DeliveryState.REGISTERED, DeliveryState.ASSIGNED,
               DeliveryState.PROCESSING, DeliveryState.DONE)


def expressions(document_id: str, vendor: str | None = None) -> tuple[str, ...]:
    a, r = Attachment._meta.db_table, Recipient._meta.db_table
    external = f"SELECT 1 FROM {r} x WHERE x.document_id = {document_id} AND x.kind = '{RecipientKind.EXTERNAL.value}'"  # nosec B608 — names from _meta, constant choice values
    sent = ", ".join(f"'{state.value}'" for state in SENT_STATES)
    return (
        f"EXISTS(SELECT 1 FROM {a} x WHERE x.document_id = {document_id} AND x.role = '{FileRole.MAIN.value}' "  # nosec B608 — names from _meta, constant choice values
        f"AND x.signed <> '')",
        f"EXISTS({external})",
        f"EXISTS({external} AND x.state IN ({sent}))",
    )


SUMMARY = RowSummary("document", Document._meta.db_table, "document_id",
                     (Attachment._meta.db_table, Recipient._meta.db_table), COLUMNS, expressions)
