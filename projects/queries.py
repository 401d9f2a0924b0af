"""Who may see which project: the one door every page, file, API answer and list goes through."""

from django.db.models import Q, QuerySet

from accounts.models import User
from competitions.models import Competition
from competitions.queries import visible_competitions
from config.errors import NotAllowed, NotFound
from config.ratings import damped_average
from datasets.models import Dataset
from organisations.queries import OWNER, organisation_role, organisations_of
from projects.models import Project, ProjectVersion


def hidden_competition_links(user: User) -> QuerySet:
    """Ids of the projects linked to a competition the user may not reach: such a project follows it."""
    hidden = Competition.objects.exclude(pk__in=visible_competitions(user).values("pk")).values("pk")
    return Project.competitions.through.objects.filter(competition_id__in=hidden).values("project_id")


def own_projects(user: User) -> Q:
    """The projects that are the user's work: those they created and those of their organisations."""
    return Q(owner=user) | Q(organisation__in=organisations_of(user).values("pk"))


def visible_projects(user: User) -> QuerySet[Project]:
    """Public projects (unless linked to a competition the user may not reach), plus the user's own (and
    their organisations') and the private ones shared with them; staff see all."""
    projects = Project.objects.select_related("owner", "organisation", "forked_from")
    if user.is_authenticated and user.is_staff:
        return projects
    readable = Q(visibility=Project.Visibility.PUBLIC)
    if user.is_authenticated:
        readable |= Q(pk__in=Project.shared_with.through.objects.filter(user=user).values("project_id"))
        return projects.filter((readable & ~Q(pk__in=hidden_competition_links(user))) | own_projects(user))
    return projects.filter(readable & ~Q(pk__in=hidden_competition_links(user)))


PROJECT_ORDERINGS = {
    "rating": ("-rating_score", "-rating_count", "-created_at", "-pk"),
    "newest": ("-created_at", "-pk"),
    "forks": ("-fork_count", "-created_at", "-pk"),
    "title": ("title", "pk"),
}


def ordered_projects(projects: QuerySet[Project], ordering: str = "newest") -> QuerySet[Project]:
    """The one place lists order projects: best rated (by the damped average, config/ratings.py), newest, most
    forked or by title."""
    if ordering == "rating":
        # Every listed row is scored and sorted: keep those rows narrow (no joined owner, organisation or
        # original) and fetch the related rows for the page's few projects afterwards; with 10,000
        # projects this sort is 5x faster than over the joined rows (bench/projects_papers.py).
        projects = projects.annotate(rating_score=damped_average(Project))
        projects = projects.select_related(None).prefetch_related("owner", "organisation", "forked_from")
    return projects.order_by(*PROJECT_ORDERINGS[ordering])


def search_projects(user: User, *, text: str = "", ordering: str = "newest") -> QuerySet[Project]:
    projects = listed_projects(user)
    if text:
        projects = projects.filter(
            Q(title__icontains=text) | Q(subtitle__icontains=text) | Q(slug__icontains=text)
        )
    return ordered_projects(projects, ordering)


def listed_projects(user: User) -> QuerySet[Project]:
    """What lists show: the public projects the user may see, and the user's own and their organisations'
    (private ones too)."""
    public = Q(visibility=Project.Visibility.PUBLIC)
    if user.is_authenticated:
        public |= own_projects(user)
    return visible_projects(user).filter(public)


def competition_code(user: User, competition: Competition, ordering: str = "newest") -> QuerySet[Project]:
    """A competition's Code tab: the public projects that belong to it (the caller checked the competition)."""
    return ordered_projects(listed_projects(user).filter(competitions=competition), ordering)


def dataset_code(user: User, dataset: Dataset, ordering: str = "newest") -> QuerySet[Project]:
    """A dataset's Code tab: the public projects that use it."""
    return ordered_projects(listed_projects(user).filter(datasets=dataset), ordering)


def project_for(user: User, slug: str) -> Project:
    project = visible_projects(user).filter(slug=slug).first()
    if project is None:
        raise NotFound(f"No project '{slug}' exists, or you may not see it.")
    return project


def version_for(project: Project, number: int | None = None) -> ProjectVersion:
    versions = project.versions.prefetch_related("files").select_related("created_by")
    version = versions.filter(number=number).first() if number else versions.order_by("-number").first()
    if version is None:
        raise NotFound(f"Project '{project.slug}' has no version {number}.")
    return version


def can_change(user: User, project: Project) -> bool:
    """Whether the user may change the project's details: who created it, an owner of its organisation, or
    staff."""
    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or project.owner_id == user.pk
        or organisation_role(user, project.organisation_id) == OWNER
    )


def can_add_versions(user: User, project: Project) -> bool:
    """Whether the user may save a new version: anyone who may change it, and every member of its
    organisation (members work on the code; owners decide what the project says and who sees it)."""
    return can_change(user, project) or organisation_role(user, project.organisation_id) is not None


def require_owner(user: User, project: Project, action: str = "edit it") -> None:
    if not can_change(user, project):
        if project.organisation_id:
            raise NotAllowed(
                f"Only the owners of {project.organisation}, which publishes '{project.slug}', can {action}."
            )
        raise NotAllowed(f"Only the owner of '{project.slug}' can {action}.")


def require_version_author(user: User, project: Project) -> None:
    if not can_add_versions(user, project):
        if project.organisation_id:
            raise NotAllowed(
                f"Only the members of {project.organisation}, which publishes '{project.slug}', "
                "can add versions to it."
            )
        raise NotAllowed(f"Only the owner of '{project.slug}' can add versions to it.")
