"""What competitions tell the apps above them (submissions, the boards), which it never imports.

Each is sent inside the transaction of the change, while the teams involved are locked, so a receiver's
writes commit or roll back with it.
"""

from django.dispatch import Signal

# A merge is about to delete `absorbed` (a Team) into `into` (a Team): whatever belongs to the absorbed team
# and must survive it moves now. Receivers: submissions (its submissions move to the merged team).
teams_merging = Signal()

# A merge is done; `team` holds both teams' members and submissions. Receivers: the boards (the merged
# team's entry is recomputed from all its submissions).
teams_merged = Signal()

# An invitation or a merge request (`request`, a TeamInvitation or a TeamMergeRequest) was sent (status
# pending) or answered (accepted, declined or withdrawn) by `actor` (a User), before an accepted merge
# deletes the requesting team. Receivers: community (it notifies the people concerned).
team_request_changed = Signal()

# A request to join an unlisted competition (`join_request`, a JoinRequest) was made (pending) or answered
# (approved or refused, with a reason) by `actor` (a User). Receivers: community (it notifies the host of a
# new request and the requester of the answer).
join_request_changed = Signal()

# A host asks to publish `competition` (a draft). A receiver that must hold it back raises a DomainError whose
# message says why. Receivers: scoring_programs (a program's dry run has not passed).
publishing = Signal()

# A host chose another sandbox runtime for `competition` (a draft). Receivers: scoring_programs (its programs
# take the runtime and run their dry runs again in it).
sandbox_runtime_changed = Signal()
