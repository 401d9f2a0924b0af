import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import email_confirmation
from accounts.forms import ApiTokenForm, DisplayNameForm, EmailForm, SignUpForm
from accounts.services import create_api_token, podium_json, revoke_api_token
from config.errors import DomainError

NEW_TOKEN_KEY = "new_api_token"  # noqa: S105 - the session key that holds a new token, not a secret
NAME_PREFIX = "profile"
EMAIL_PREFIX = "email"


def safe_next(request) -> str | None:
    """The `next` page to return to, if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            email_confirmation.send_confirmation(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            f"Welcome to Podium, {user.username}. We sent a link to {user.email}: open it to confirm your address.",
        )
        return redirect(safe_next(request) or "competitions:list")
    return render(request, "accounts/signup.html", {"form": form})


def initials(name: str) -> str:
    """Up to two letters for an avatar: of the first two words, or the first two letters of one word."""
    words = [word for word in name.split() if word[:1].isalnum()]
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return (words[0][:2] if words else "?").upper()


@login_required
def profile(request):
    """Tokens are created by POST and shown once after a redirect, so a reload never makes another. The same
    page renames the user (display name) and lists the competitions they joined with their standing."""
    user = request.user
    name = user.display_name or user.username
    posted = request.POST if request.method == "POST" else None
    renaming = posted is not None and f"{NAME_PREFIX}-display_name" in posted
    readdressing = posted is not None and f"{EMAIL_PREFIX}-email" in posted
    form = ApiTokenForm(None if renaming or readdressing else posted)
    name_form = DisplayNameForm(posted if renaming else None, instance=user, prefix=NAME_PREFIX)
    email_form = EmailForm(posted if readdressing else None, prefix=EMAIL_PREFIX)
    if readdressing and email_form.is_valid():
        try:
            email_confirmation.require_mail_allowance(request)
            email_confirmation.change_email(user=user, email=email_form.cleaned_data["email"])
        except DomainError as error:
            email_form.add_error("email", error.message)
        else:
            messages.success(
                request,
                f"Your address is now {user.email}. We sent a link to it: until you open it, the address is "
                "unconfirmed.",
            )
            return redirect("profile")
    if renaming and name_form.is_valid():
        name_form.save()
        messages.success(request, "Display name saved.")
        return redirect("profile")
    if posted is not None and not renaming and not readdressing and form.is_valid():
        _, request.session[NEW_TOKEN_KEY] = create_api_token(user=user, name=form.cleaned_data["name"])
        return redirect("profile")
    new_token = request.session.pop(NEW_TOKEN_KEY, None)
    config_text = None
    if new_token:
        config_text = json.dumps(podium_json(request.build_absolute_uri("/"), user, new_token), indent=2)
    context = {
        "name": name,
        "initials": initials(name),
        "name_form": name_form,
        "email_form": email_form,
        "form": form,
        "new_token": new_token,
        "podium_json": config_text,
        "tokens": user.api_tokens.all(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request, token_id: int):
    revoke_api_token(user=request.user, token_id=token_id)
    messages.success(request, "Token revoked.")
    return redirect("profile")


@login_required
@require_POST
def download_podium_json(request):
    """Serve the podium.json text posted back from the page once, as a file to save."""
    response = HttpResponse(request.POST.get("content", ""), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="podium.json"'
    return response


@login_required
@require_POST
def resend_confirmation(request):
    """Mail a new confirmation link (a few an hour at most), then go back where the button was."""
    email_confirmation.require_mail_allowance(request)
    address = email_confirmation.send_confirmation(user=request.user)
    days = settings.PODIUM_EMAIL_CONFIRMATION_DAYS
    messages.success(
        request,
        f"We sent a new confirmation link to {address}; it works for {days} day{'s' if days != 1 else ''}.",
    )
    return redirect(safe_next(request) or "profile")


def confirm_email(request, token: str):
    """A confirmation link: the page asks for a click (mail scanners open links, so a GET changes nothing),
    and the POST confirms the address. No login is needed: the signed link names the account."""
    if request.method == "POST":
        user = email_confirmation.confirm_email(token=token, viewer=request.user)
        messages.success(request, f"Your address {user.email} is confirmed.")
        return redirect("profile" if request.user.is_authenticated else "login")
    account, address = email_confirmation.check_link(token=token, viewer=request.user)
    return render(request, "accounts/confirm_email.html", {"address": address, "account": account})
