"""The shape of a page's POST action: call one service, flash what it said, go back to the page.

A refused action (a DomainError) comes back with its message as an error, so the person sees why next to
the forms; a done one comes back with the sentence the action returns."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from config.errors import DomainError

Subject = TypeVar("Subject")


def run_action(
    request: HttpRequest, subject: Subject, action: Callable[[Subject], str], back_to: str
) -> HttpResponseRedirect:
    """action(subject) returns its success message; that or the DomainError's is flashed, then the browser
    goes to the URL `back_to`."""
    try:
        message = action(subject)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect(back_to)
