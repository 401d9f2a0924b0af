"""Signals submissions send that apps above it receive (an app imports only the apps below it)."""

from django.dispatch import Signal

# The scores of many of a competition's submissions were replaced or cleared at once (`competition`): a
# rescore switched to its new scores, or a host's new hidden inputs sent scored code to run again. Sent with
# the competition locked. Receivers: the boards (every public entry is rebuilt, and the private board if it
# was built). scoring.signals re-exports it.
scores_replaced = Signal()
