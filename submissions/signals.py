"""Signals submissions send that apps above it receive (an app imports only the apps below it)."""

from django.dispatch import Signal

# The scores of many of a competition's submissions were replaced at once (`competition`): a rescore switched
# to its new scores. Sent with the competition locked. Receivers: the boards (every public entry is rebuilt,
# and the private board if it was built). scoring.signals re-exports it.
scores_replaced = Signal()

# A host gave a pair with scored code submissions new hidden inputs or a new ingestion program (or went
# back to the default one) and confirmed the rerun: sent inside the transaction that stored them, with the
# competition locked, with competition, user, pair, code_inputs_key, code_inputs_sha256,
# ingestion_program_key (empty: the default ingestion) and reason. They are not yet the pair's. A receiver
# (scoring) starts the rescore that runs the code on them and returns it; it refuses by raising CodeRefused.
code_awaits_rerun = Signal()
