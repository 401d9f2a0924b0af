"""The demo's organisers (run by seed_demo, safe to run again): demo-cohost co-hosts and demo-reviewer
reviews the digits competition, and the Podium Demo Lab organisation (owner demo-host, member demo-cohost)
hosts the diabetes competition and owns the demo dataset."""

from accounts.models import User
from competitions.models import Competition, CompetitionHost
from datasets.models import Dataset
from organisations.models import Organisation, OrganisationMembership

CO_HOSTED = "digits"
ORGANISATION_SLUG = "demo-lab"
ORGANISATION_HOSTS = "diabetes"
ORGANISATION_DESCRIPTION = (
    "A made-up research group that shows how an organisation hosts competitions and publishes datasets "
    "on Podium.\n\n- **Owners** manage the members and co-host the lab's competitions.\n"
    "- **Members** review them: every submission and the private scores, no changes."
)


def seed_organisers(*, host: User, co_host: User, reviewer: User, dataset_slug: str) -> list[str]:
    """What it created, for the command to print."""
    created = []
    competition = Competition.objects.filter(slug=CO_HOSTED).first()
    if competition is not None:
        for user, role in (
            (co_host, CompetitionHost.Role.CO_HOST),
            (reviewer, CompetitionHost.Role.REVIEWER),
        ):
            _, made = CompetitionHost.objects.get_or_create(
                competition=competition, user=user, defaults={"role": role}
            )
            if made:
                created.append(f"{role} {user.username} on {CO_HOSTED}")
    organisation, made = Organisation.objects.get_or_create(
        slug=ORGANISATION_SLUG,
        defaults={"name": "Podium Demo Lab", "description": ORGANISATION_DESCRIPTION},
    )
    if made:
        created.append(f"organisation {ORGANISATION_SLUG}")
    for user, role in (
        (host, OrganisationMembership.Role.OWNER),
        (co_host, OrganisationMembership.Role.MEMBER),
    ):
        OrganisationMembership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": role}
        )
    Competition.objects.filter(slug=ORGANISATION_HOSTS, organisation=None).update(organisation=organisation)
    Dataset.objects.filter(slug=dataset_slug, organisation=None).update(organisation=organisation)
    return created
