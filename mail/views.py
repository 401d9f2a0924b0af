from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mail import services
from mail.forms import MailPreferencesForm
from mail.kinds import KINDS


# No login and no CSRF token: the signed link is the proof, and RFC 8058's one-click unsubscribe is a POST a
# mail program sends without a page. The worst a forged POST can do is turn off one kind of someone's mail.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a page that asks to confirm (mail scanners follow links, so a GET changes nothing); POST: done."""
    try:
        user, kind = services.read_unsubscribe_token(token)
    except services.BadUnsubscribeLink as error:
        return render(request, "mail/unsubscribe_invalid.html", {"error": error}, status=400)
    context = {"kind": KINDS[kind], "email": user.email}
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "mail/unsubscribed.html", context)
    return render(request, "mail/unsubscribe.html", context)


@login_required
@require_POST
def preferences(request):
    form = MailPreferencesForm(request.POST)
    form.is_valid()  # unticked boxes are absent, and read as off: a form of checkboxes cannot be invalid
    services.set_mail_preferences(user=request.user, choices=form.cleaned_data)
    messages.success(request, "Mail preferences saved.")
    return redirect(reverse("profile") + "#mail")
