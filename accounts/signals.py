"""What accounts tells the apps above it (the mail app mails the link; accounts imports no other app)."""

from django.dispatch import Signal

# A confirmation link for `address` was made for `user`: the receiver mails `url` to that address.
# Sent inside the transaction of the change (sign-up, a changed address, a resend).
email_confirmation_requested = Signal()  # kwargs: user, address, url, event
