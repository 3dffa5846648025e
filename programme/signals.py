"""The programme's one outgoing signal. Sent after the transaction that
recorded programme events has committed, for every write alike, whoever (if
anyone) is linked to the man: the programme side cannot tell and does the same
work either way. Receivers (the Women's Support Service side) must only queue
work; they run in the programme worker's request."""

from django.dispatch import Signal

# Sent with no arguments beyond ``sender`` (the ProgrammeEvent model).
programme_events_recorded = Signal()
