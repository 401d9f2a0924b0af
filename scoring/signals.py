"""What scoring tells the apps above it (the boards), which it never imports.

`submission_scored` and `scores_replaced` are sent inside the transaction that saved the scores, holding
the locks named below, so what a receiver writes commits or rolls back with the scores.
"""

from django.dispatch import Signal

import submissions.signals

# A submission's scores were saved (`submission`, status scored, `submission.team` its team now), with its
# competition share-locked and its team locked.
# Receivers: the boards (the team's public entry takes the new score if it is the team's best).
submission_scored = Signal()

# A submission made before the end finished scoring, scored or failed (`submission`), after its
# transaction committed. Receivers: the boards (the private board is built if this was the last one the
# end waited for, or rebuilt if it was built meanwhile).
submission_settled = Signal()

# A participant's submission (on time or late, never a host's test) finished scoring, scored or failed
# (`submission`), after its transaction committed. Receivers: community (the submitter's mail).
submission_finished = Signal()

# A rescore switched the competition to its new scores (`competition`): submissions.signals.scores_replaced,
# defined there so that submissions may send it too.
scores_replaced = submissions.signals.scores_replaced
