"""What a participant reads when Podium, not their file, is at fault: the detail goes to the host only."""

GENERIC_FAILURE = "Podium could not score this file because of an internal error; the host has been notified."
