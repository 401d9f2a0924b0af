"""The write-up pages: a competition's Write-ups tab, one write-up with its discussion, and the team's form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from community.forms import WriteUpForm
from community.targets import writeup_for
from community.writeups import (
    EDITABLE_FIELDS,
    delete_writeup,
    edit_writeup,
    publish_writeup,
    ranked_writeups,
    require_team_member,
    require_writeups_open,
    submission_of_team,
    writeup_submissions,
)
from competitions.queries import can_see_private_scores, competition_for, team_for
from competitions.views import competition_context
from config.errors import DomainError


def writeups_open(competition) -> bool:
    try:
        require_writeups_open(competition)
    except DomainError:
        return False
    return True


def writeup_list(request, slug):
    competition = competition_for(request.user, slug)
    ordering = "votes" if request.GET.get("ordering") == "votes" else "score"
    context = competition_context(request, competition, "writeups")
    context.update(
        ranked=ranked_writeups(request.user, competition, ordering=ordering),
        ordering=ordering,
        writeups_open=writeups_open(competition),
        can_write=writeup_submissions(request.user, competition).exists(),
    )
    return render(request, "community/writeups.html", context)


def writeup_detail(request, slug, writeup_id):
    writeup = writeup_for(request.user, str(writeup_id))
    competition = writeup.competition
    if competition.slug != slug:
        return redirect("community:writeup", competition.slug, writeup.pk)
    private = can_see_private_scores(request.user, competition)
    team = team_for(request.user, competition)
    context = competition_context(request, competition, "writeups")
    context.update(
        writeup=writeup,
        score=writeup.submission.private_score if private else writeup.submission.public_score,
        split="private" if private else "public",
        is_team=team is not None and team.pk == writeup.team_id,
    )
    return render(request, "community/writeup_detail.html", context)


@login_required
def writeup_create(request, slug):
    competition = competition_for(request.user, slug)
    submissions = list(writeup_submissions(request.user, competition))
    form = WriteUpForm(request.POST or None, submissions=submissions, initial=initial_choice(request))
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_of_team(request.user, competition, form.cleaned_data["submission"])
            writeup = publish_writeup(author=request.user, submission=submission, **form.writeup_fields())
        except DomainError as refused:
            form.add_error(field_of(refused), refused.message)
        else:
            messages.success(request, "Your write-up is published.")
            return redirect("community:writeup", competition.slug, writeup.pk)
    context = competition_context(request, competition, "writeups")
    context.update(form=form, has_submissions=bool(submissions), writeups_open=writeups_open(competition))
    return render(request, "community/writeup_form.html", context)


def initial_choice(request) -> dict:
    return {"submission": request.GET["submission"]} if request.GET.get("submission", "").isdigit() else {}


def field_of(refused: DomainError) -> str | None:
    """The form field a refusal is about, when it names one."""
    fields = refused.details.get("fields", {})
    return next(iter(fields), None)


@login_required
def writeup_edit(request, slug, writeup_id):
    writeup = writeup_for(request.user, str(writeup_id))
    require_team_member(request.user, writeup, "edit")
    initial = {name: getattr(writeup, name) for name in EDITABLE_FIELDS}
    form = WriteUpForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            edit_writeup(editor=request.user, writeup=writeup, **form.writeup_fields())
        except DomainError as refused:
            form.add_error(field_of(refused), refused.message)
        else:
            messages.success(request, "Your write-up is updated.")
            return redirect("community:writeup", writeup.competition.slug, writeup.pk)
    context = competition_context(request, writeup.competition, "writeups")
    context.update(form=form, writeup=writeup, has_submissions=True, writeups_open=True)
    return render(request, "community/writeup_form.html", context)


@login_required
@require_POST
def writeup_delete(request, slug, writeup_id):
    writeup = writeup_for(request.user, str(writeup_id))
    delete_writeup(user=request.user, writeup=writeup)
    messages.success(request, "The write-up is deleted.")
    return redirect("community:writeups", writeup.competition.slug)
