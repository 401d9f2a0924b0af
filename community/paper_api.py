"""The papers, tasks and search API: papers with their implementations and results, adding a paper or a
repository that implements one, tasks with their benchmarks, and site search grouped by kind."""

from collections.abc import Mapping

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community.benchmark_tasks import TaskBenchmark, task_benchmarks, task_for, visible_tasks
from community.models import Paper, PaperImplementation, Task
from community.paper_files import IMPORTS
from community.papers import (
    add_implementation,
    cited_by,
    create_paper,
    implementing_projects,
    paper_for,
    paper_results,
    search_papers,
)
from community.search import MAX_QUERY_LENGTH, SearchRefused, site_search
from config.api_input import checked, validated
from config.api_input_limits import BoundedJSONParser, BoundedPagination, WholeMultiPartParser
from config.api_schema import PAGING, errors, paginated
from config.errors import NotAllowed, NotAuthenticated
from mail.api import OnOffField


def http_url(value: str) -> str:
    if value and not value.lower().startswith(("http://", "https://")):
        raise serializers.ValidationError("Give an http:// or https:// address.")
    return value


class PaperCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    authors = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, help_text="In order."
    )
    abstract = serializers.CharField(required=False, allow_blank=True, default="", max_length=100_000)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    arxiv_id = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    doi = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    url = serializers.URLField(
        max_length=500, required=False, allow_blank=True, default="", validators=[http_url]
    )


def authors_in_text(serializer: serializers.Serializer) -> None:
    """DRF's text fields take a number as its text, and refuse_numbers_as_text does not look inside lists."""
    given = serializer.initial_data.get("authors") if isinstance(serializer.initial_data, Mapping) else None
    if isinstance(given, list) and not all(isinstance(name, str) for name in given):
        raise serializers.ValidationError(
            {"authors": ["Each author is a name in text, not a number or true/false."]}
        )


class ImplementationCreateSerializer(serializers.Serializer):
    repository_url = serializers.URLField(max_length=500, validators=[http_url])
    framework = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    is_official = OnOffField(required=False, default=False, help_text="true or false.")


class ImplementationSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        read_only=True, help_text="Rate it at /api/v1/ratings/implementation/{id}/."
    )
    repository_url = serializers.CharField()
    framework = serializers.CharField()
    is_official = serializers.BooleanField()
    mentioned_in_paper = serializers.BooleanField()
    mentioned_in_github = serializers.BooleanField()
    rating_count = serializers.IntegerField(read_only=True)
    rating_average = serializers.FloatField(read_only=True, allow_null=True)


class PaperSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    authors = serializers.ListField(child=serializers.CharField())
    abstract = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    venue = serializers.CharField()
    arxiv_id = serializers.CharField()
    doi = serializers.CharField()
    url = serializers.CharField(source="link", help_text="Where to read it: arXiv, its DOI, or its address.")
    page = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_page(self, paper: Paper) -> str:
        return reverse("community:paper", args=[paper.pk])


class CitingWriteUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    competition = serializers.CharField(source="competition.slug")
    team = serializers.CharField(source="team.name")
    method_name = serializers.CharField()
    code_url = serializers.CharField()
    framework = serializers.CharField()


class PaperResultSerializer(serializers.Serializer):
    competition = serializers.CharField(source="competition_slug")
    task = serializers.CharField()
    method_name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    is_imported = serializers.BooleanField(help_text="Copied from a published table, not scored by Podium.")
    writeup = serializers.IntegerField(source="writeup_id", allow_null=True)


class ImplementingProjectSerializer(serializers.Serializer):
    slug = serializers.CharField(
        help_text="Read it at /api/v1/projects/{slug}/; rate it at /api/v1/ratings/project/{slug}/."
    )
    title = serializers.CharField()
    publisher = serializers.CharField(
        help_text="The organisation that publishes it, or its owner's username."
    )
    is_private = serializers.BooleanField(help_text="Shown only to its owners and those it is shared with.")
    rating_count = serializers.IntegerField()
    rating_average = serializers.FloatField(allow_null=True)
    page = serializers.CharField(help_text="The project's page on this site.")


class PaperDetailSerializer(PaperSerializer):
    implementations = ImplementationSerializer(
        many=True,
        source="implementations.all",
        help_text="External repositories, with their framework and whether they are the authors' own.",
    )
    projects = serializers.SerializerMethodField(
        help_text="Projects on Podium that implement it, those you may see, best rated first (the damped "
        "average)."
    )
    writeups = serializers.SerializerMethodField(
        help_text="Write-ups citing it, in competitions you may see."
    )
    results = serializers.SerializerMethodField(help_text="Its results on benchmarks you may see.")

    @extend_schema_field(ImplementingProjectSerializer(many=True))
    def get_projects(self, paper: Paper) -> list:
        return ImplementingProjectSerializer(
            implementing_projects(self.context["user"], paper), many=True
        ).data

    @extend_schema_field(CitingWriteUpSerializer(many=True))
    def get_writeups(self, paper: Paper) -> list:
        return CitingWriteUpSerializer(cited_by(self.context["user"], paper), many=True).data

    @extend_schema_field(PaperResultSerializer(many=True))
    def get_results(self, paper: Paper) -> list:
        return PaperResultSerializer(paper_results(self.context["user"], paper), many=True).data


def paper_answer(user, paper: Paper) -> dict:
    return PaperDetailSerializer(paper, context={"user": user}).data


class PaperSearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Title, abstract, arXiv id or DOI.",
    )


class PaperListApi(APIView):
    parser_classes = [BoundedJSONParser]  # JSON only: a form's empty field would pass for a null date

    @extend_schema(
        operation_id="papers_list",
        summary="Papers, newest first, or those matching ?q=",
        tags=["papers"],
        parameters=[PaperSearchSerializer, *PAGING],
        responses={200: paginated("PaginatedPaperList", PaperSerializer), **errors(400)},
    )
    def get(self, request):
        text = checked(PaperSearchSerializer, request.query_params).validated_data["q"].strip()
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(search_papers(text), request, view=self)
        return paginator.get_paginated_response(PaperSerializer(page, many=True).data)

    @extend_schema(
        operation_id="papers_create",
        summary="Add a paper (signed in)",
        description="The arXiv id and DOI are normalised; one Podium already has is a 409 naming the paper.",
        tags=["papers"],
        request=PaperCreateSerializer,
        responses={201: PaperDetailSerializer, **errors(400, 401, 409)},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated("Log in to add a paper.")
        authors_in_text(PaperCreateSerializer(data=request.data))
        paper = create_paper(**validated(PaperCreateSerializer, request))
        return Response(paper_answer(request.user, paper), status=status.HTTP_201_CREATED)


class PaperDetailApi(APIView):
    @extend_schema(
        operation_id="paper_retrieve",
        summary="A paper with its repositories, its projects on Podium, the write-ups citing it and its results",
        tags=["papers"],
        responses={200: PaperDetailSerializer, **errors(404)},
    )
    def get(self, request, paper_id):
        return Response(paper_answer(request.user, paper_for(paper_id)))


class PaperImplementationsApi(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        operation_id="paper_implementation_add",
        summary="Name a repository that implements the paper (signed in)",
        description="The same repository twice is one row, its framework and 'official' updated.",
        tags=["papers"],
        request=ImplementationCreateSerializer,
        responses={201: ImplementationSerializer, **errors(400, 401, 404)},
    )
    def post(self, request, paper_id):
        if not request.user.is_authenticated:
            raise NotAuthenticated("Log in to add an implementation.")
        paper = paper_for(paper_id)
        implementation: PaperImplementation = add_implementation(
            paper=paper, **validated(ImplementationCreateSerializer, request)
        )
        return Response(ImplementationSerializer(implementation).data, status=status.HTTP_201_CREATED)


class PaperImportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=sorted(IMPORTS),
        help_text="papers: papers-with-abstracts.json; links: links-between-papers-and-code.json.",
    )
    file = serializers.FileField(
        help_text="The JSON file, as Papers With Code's archive holds it; read as a stream."
    )


class PaperImportAnswerSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Papers or repositories Podium already had.")


class PaperImportApi(APIView):
    parser_classes = [WholeMultiPartParser]

    @extend_schema(
        operation_id="papers_import",
        summary="Import papers or their code links from Papers With Code's files (staff)",
        description="All rows or none: a file with an unreadable row imports nothing and names every bad row "
        "(code import_bad_rows, the rows in details.rows). Importing the same file again adds nothing.",
        tags=["papers"],
        request={"multipart/form-data": PaperImportSerializer},
        responses={201: PaperImportAnswerSerializer, **errors(400, 401, 403)},
    )
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated("Log in as staff to import papers.")
        if not request.user.is_staff:
            raise NotAllowed("Only staff can import papers.")
        data = validated(PaperImportSerializer, request)
        counts = IMPORTS[data["kind"]](data["file"])
        return Response(PaperImportAnswerSerializer(counts).data, status=status.HTTP_201_CREATED)


class TaskSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    benchmark_count = serializers.IntegerField(help_text="Benchmarks of it you may see.")


class TaskBenchmarkSerializer(serializers.Serializer):
    competition = serializers.CharField(source="benchmark.competition.slug")
    dataset_name = serializers.CharField(source="benchmark.dataset_name")
    metric = serializers.CharField()
    best_method = serializers.CharField(help_text="Empty while the table has no entry.")
    best_score = serializers.FloatField(allow_null=True)
    entries = serializers.IntegerField()


class TaskDetailSerializer(serializers.Serializer):
    name = serializers.CharField(source="task.name")
    slug = serializers.CharField(source="task.slug")
    description = serializers.CharField(source="task.description")
    benchmarks = TaskBenchmarkSerializer(many=True)


class TaskListApi(APIView):
    @extend_schema(
        operation_id="tasks_list",
        summary="Tasks, each with how many benchmarks of it you may see",
        tags=["papers"],
        parameters=[*PAGING],
        responses={200: paginated("PaginatedTaskList", TaskSerializer), **errors(400)},
    )
    def get(self, request):
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(visible_tasks(request.user), request, view=self)
        return paginator.get_paginated_response(TaskSerializer(page, many=True).data)


class TaskDetailApi(APIView):
    @extend_schema(
        operation_id="task_retrieve",
        summary="A task's benchmarks, each with its best result",
        tags=["papers"],
        responses={200: TaskDetailSerializer, **errors(404)},
    )
    def get(self, request, slug):
        task: Task = task_for(slug)
        benchmarks: list[TaskBenchmark] = task_benchmarks(request.user, task)
        return Response(TaskDetailSerializer({"task": task, "benchmarks": benchmarks}).data)


class SearchHitSerializer(serializers.Serializer):
    title = serializers.CharField()
    subtitle = serializers.CharField()
    url = serializers.CharField(help_text="The page on this site.")


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="papers, competitions, datasets, tasks (and any kind an app adds)."
    )
    label = serializers.CharField()
    hits = SearchHitSerializer(many=True)


class SearchAnswerSerializer(serializers.Serializer):
    query = serializers.CharField()
    groups = SearchGroupSerializer(many=True)


class SearchApi(APIView):
    @extend_schema(
        operation_id="site_search",
        summary="Search papers, competitions, datasets and tasks at once, grouped by kind",
        description="Full-text search on PostgreSQL, a case-insensitive match elsewhere. Only what you may see: "
        "private and unlisted competitions appear only for those admitted.",
        tags=["papers"],
        parameters=[
            OpenApiParameter("q", str, required=True, description=f"1 to {MAX_QUERY_LENGTH} characters.")
        ],
        responses={200: SearchAnswerSerializer, **errors(400)},
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        groups = site_search(request.user, query)
        return Response(SearchAnswerSerializer({"query": " ".join(query.split()), "groups": groups}).data)


__all__ = ["SearchRefused"]
