"""Signals the Women's Support Service side sends for the apps above it
(``checkins``), so that this side never imports them."""

from django.dispatch import Signal

# She may want a neutral "new message" text (a message from her worker, his
# status changed). Sent inside the cause's transaction with ``survivor``;
# ``checkins`` queues the text if she opted in, inside her safe windows.
nudge_wanted = Signal()

# Her case is about to be erased (SPEC 12). Sent inside the erasure's
# transaction with ``survivor``; each receiver deletes what it holds of her that
# no foreign key cascades to (texts found by her number's keyed hash) and
# returns {record type: rows deleted} for the tombstone.
survivor_erasing = Signal()
