"""What the boards ask of the apps above them (community), which they never import."""

from django.dispatch import Signal

# Sent by a leaderboard page (sender: the Competition class) to learn the ways its rows can be narrowed.
# Each receiver answers RowFilter(name, label, teams): `?only=<name>` keeps the rows of `teams(competition)`,
# each with its rank on the whole board. Receivers: community (the teams that published code).
row_filters_requested = Signal()

# The private board of a competition (sender: the Competition class, `competition`) was built for the first
# time, inside the transaction that built it. Receivers: community (the participants' mail).
private_board_revealed = Signal()
