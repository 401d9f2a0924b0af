"""What the datasets app tells the apps above it (DESIGN.md: a lower app never imports a higher one)."""

from django.dispatch import Signal

# Sent with `dataset` inside the transaction that deletes it, before the delete: the community app removes
# the comments and votes on it, which point at it by content type and id, so no foreign key cascades.
dataset_deleting = Signal()
