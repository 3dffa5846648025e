"""The programme's outgoing signals.

``programme_events_recorded`` is sent after the transaction that
recorded programme events has committed, for every write alike, whoever (if
anyone) is linked to the man: the programme side cannot tell and does the same
work either way. Receivers (the Women's Support Service side) must only queue
work; they run in the programme worker's request."""

from django.dispatch import Signal

# Sent with no arguments beyond ``sender`` (the ProgrammeEvent model).
programme_events_recorded = Signal()

# Partner details he named (at his assessment, or a new partner he disclosed
# later) leaving this side (SPEC 13). Sent *inside* the programme worker's
# transaction, with ``participant_id``, ``occasion`` (a ReferralSource value:
# "programme_intake" or "new_partner"), ``source_detail`` (where he disclosed a
# new partner, or "") and ``partners``: a list of dicts with
# ``known_as``, ``phone`` (E.164), ``relationship`` and ``safety_notes``. The
# receiver on the Women's Support Service side stores them as referrals in the
# same transaction, so they are passed on whole or not at all, and they are
# never stored here. The receiver runs the same statements whoever she is.
partner_details_passed_on = Signal()
