"""Signals this app sends. ``case_reads_recorded``: a staff read of one or more
cases was written to the audit log (SPEC 12). The Women's Support Service side
listens and raises an access alert for a read that does not fit the work;
this app never imports it (the layers: ``contacts`` is the lowest)."""

from django.dispatch import Signal

# Sent inside the transaction that wrote the audit rows, with keyword arguments
# ``actor`` (the staff user), ``action`` (an ``AuditAction``), ``survivor_ids``
# (the cases read) and ``listed`` (True when a list page showed them).
case_reads_recorded = Signal()
