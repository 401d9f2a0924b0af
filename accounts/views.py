import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import ApiTokenForm, DisplayNameForm, SignUpForm
from accounts.services import create_api_token, podium_json, revoke_api_token

NEW_TOKEN_KEY = "new_api_token"  # noqa: S105 - the session key that holds a new token, not a secret
NAME_PREFIX = "profile"


def safe_next(request) -> str | None:
    """The `next` page to return to, if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None


def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Podium, {user.username}.")
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
    form = ApiTokenForm(None if renaming else posted)
    name_form = DisplayNameForm(posted if renaming else None, instance=user, prefix=NAME_PREFIX)
    if renaming and name_form.is_valid():
        name_form.save()
        messages.success(request, "Display name saved.")
        return redirect("profile")
    if posted is not None and not renaming and form.is_valid():
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
