"""What a scoring program's change tells the apps above (scoring brings a new program in with a rescore)."""

from django.dispatch import Signal

# Sent before a new program for a pair with scored submissions is stored, with competition and pair; a
# receiver refuses the change by raising ProgramRefused (scoring: a rescore is already running).
program_change_checking = Signal()
# Sent inside the transaction that stored it, with competition, user, pair and program (not yet the
# pair's): a receiver starts the rescore that brings it in.
program_awaits_rescore = Signal()
