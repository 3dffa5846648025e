"""Signals the Women's Support Service side sends for the apps above it
(``checkins``), so that this side never imports them."""

from django.dispatch import Signal

# She may want a neutral "new message" text (a message from her worker, his
# status changed). Sent inside the cause's transaction with ``survivor``;
# ``checkins`` queues the text if she opted in, inside her safe windows.
nudge_wanted = Signal()
