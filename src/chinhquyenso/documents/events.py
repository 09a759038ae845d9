"""Domain events of documents, for apps above this one (exchange sends packages and status
messages on them; the portal may wire notifications). All are sent with
`transaction.on_commit`, so a receiver never sees a change that was rolled back, and a failing
receiver cannot undo the change.

    document_issued(document)                  an outgoing document got its number and was issued
    document_distributed(document, recipients) it was sent; `recipients` are the Recipient rows of
                                               external agencies that still need delivery
    incoming_status_changed(document, status)  an incoming document moved (registered, assigned,
                                               processing, done, refused); `status` is the new
                                               Status value, `document.source` holds the sender's
                                               envelope metadata for the status message
"""

from django.dispatch import Signal

document_issued = Signal()
document_distributed = Signal()
incoming_status_changed = Signal()
