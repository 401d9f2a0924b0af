"""The benchmark API: the results table, opening a benchmark, and its Papers With Code JSON export and import."""

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from community.benchmark_tasks import set_benchmark_task
from community.benchmarks import (
    benchmark_of,
    benchmark_pair,
    benchmark_pairs,
    benchmark_rows,
    metric_name,
    open_benchmark,
    track_tables,
)
from community.models import Benchmark
from community.pwc import export_table, import_table
from competitions.queries import competition_for
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser, WholeMultiPartParser
from config.api_schema import errors
from leaderboards.queries import higher_is_better


class BenchmarkOpenSerializer(serializers.Serializer):
    task = serializers.CharField(max_length=200, help_text="e.g. 'Image Classification'.")
    dataset_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The competition's title if empty."
    )


class BenchmarkTaskSerializer(serializers.Serializer):
    task = serializers.CharField(
        max_length=200, help_text="The task's name; created if Podium has none so named."
    )


class BenchmarkImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="evaluation-tables.json, as Papers With Code's archive holds it.")
    metric = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The column holding the competition's metric.",
    )


class BenchmarkImportAnswerSerializer(serializers.Serializer):
    imported = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Rows already imported (same method, paper and score).")
    metric = serializers.CharField(help_text="The column that was read.")


class BenchmarkRowSerializer(serializers.Serializer):
    """A row of the results table (a community.benchmarks.BenchmarkRow)."""

    rank = serializers.IntegerField()
    method_name = serializers.CharField()
    team = serializers.CharField(help_text="Empty for an imported result.")
    score = serializers.FloatField(help_text="The private score (as published, for an imported result).")
    date = serializers.DateField(allow_null=True)
    paper_title = serializers.CharField()
    paper_url = serializers.CharField()
    code_url = serializers.CharField()
    uses_additional_data = serializers.BooleanField()
    is_imported = serializers.BooleanField(help_text="Copied from a published table, not scored by Podium.")
    writeup = serializers.IntegerField(source="writeup_id", allow_null=True)


class BenchmarkSerializer(serializers.Serializer):
    """A benchmark with one track's results table (the track in the context's `pair`, else the default)."""

    competition = serializers.CharField(source="competition.slug")
    task = serializers.CharField(source="task.name")
    task_slug = serializers.CharField(source="task.slug", help_text="Its page: /tasks/{task_slug}/.")
    dataset_name = serializers.CharField()
    metric = serializers.SerializerMethodField()
    higher_is_better = serializers.SerializerMethodField()
    opened_at = serializers.DateTimeField()
    track = serializers.SerializerMethodField()
    tracks = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    def pair(self, benchmark: Benchmark):
        return self.context.get("pair") or benchmark_pair(benchmark.competition)

    @extend_schema_field(serializers.CharField())
    def get_metric(self, benchmark: Benchmark) -> str:
        return metric_name(benchmark.competition, self.pair(benchmark))

    @extend_schema_field(serializers.BooleanField())
    def get_higher_is_better(self, benchmark: Benchmark) -> bool:
        return higher_is_better(benchmark.competition, self.pair(benchmark))

    @extend_schema_field(serializers.CharField(help_text="The slug of the track whose table `rows` is."))
    def get_track(self, benchmark: Benchmark) -> str:
        return self.pair(benchmark).track.slug

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(), help_text="Every track's slug, the default first: ask ?track=slug."
        )
    )
    def get_tracks(self, benchmark: Benchmark) -> list[str]:
        return [pair.track.slug for pair in benchmark_pairs(benchmark.competition)]

    @extend_schema_field(BenchmarkRowSerializer(many=True))
    def get_rows(self, benchmark: Benchmark) -> list:
        return BenchmarkRowSerializer(benchmark_rows(benchmark, self.pair(benchmark)), many=True).data


def export_response(benchmark: Benchmark) -> HttpResponse:
    """The table as a JSON file to save, named after the competition."""
    document = export_table(benchmark, track_tables(benchmark))
    response = HttpResponse(json.dumps(document, indent=2, default=str), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{benchmark.competition.slug}-evaluation-tables.json"'
    )
    return response


class BenchmarkApi(APIView):
    parser_classes = [BoundedJSONParser, FormParser]

    @extend_schema(
        operation_id="benchmark_retrieve",
        summary="A benchmark's results table of one track, best first",
        tags=["benchmarks"],
        parameters=[
            OpenApiParameter(
                "track",
                str,
                description="A track's slug: that track's table. Left out: the default track's, which also "
                "holds the imported results. A track the competition does not have is a 400 (unknown_track).",
            )
        ],
        responses={200: BenchmarkSerializer, **errors(400, 401, 404)},
    )
    def get(self, request, slug):
        benchmark = benchmark_of(competition_for(request.user, slug))
        pair = benchmark_pair(benchmark.competition, request.query_params.get("track"))
        return Response(BenchmarkSerializer(benchmark, context={"pair": pair}).data)

    @extend_schema(
        operation_id="benchmark_open",
        summary="Keep your finished competition open as a benchmark (host)",
        tags=["benchmarks"],
        request=BenchmarkOpenSerializer,
        responses={201: BenchmarkSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(BenchmarkOpenSerializer, request)
        benchmark = open_benchmark(host=request.user, competition=competition, **data)
        return Response(BenchmarkSerializer(benchmark).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="benchmark_set_task",
        summary="File your benchmark under a task (host or staff)",
        tags=["benchmarks"],
        request=BenchmarkTaskSerializer,
        responses={200: BenchmarkSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, slug):
        benchmark = benchmark_of(competition_for(request.user, slug))
        data = validated(BenchmarkTaskSerializer, request)
        return Response(
            BenchmarkSerializer(set_benchmark_task(user=request.user, benchmark=benchmark, **data)).data
        )


class BenchmarkExportApi(APIView):
    @extend_schema(
        operation_id="benchmark_export",
        summary="The results table as Papers With Code JSON (evaluation-tables.json)",
        tags=["benchmarks"],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="A list of one task."),
            **errors(401, 404),
        },
    )
    def get(self, request, slug):
        return export_response(benchmark_of(competition_for(request.user, slug)))


class BenchmarkImportApi(APIView):
    parser_classes = [WholeMultiPartParser]

    @extend_schema(
        operation_id="benchmark_import",
        summary="Seed your benchmark with published results (host)",
        description="All rows or none: a file with an unreadable row imports nothing and lists the rows. "
        "Percentages ('88.5%') are read as fractions (0.885).",
        tags=["benchmarks"],
        request={"multipart/form-data": BenchmarkImportSerializer},
        responses={201: BenchmarkImportAnswerSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        benchmark = benchmark_of(competition_for(request.user, slug))
        data = validated(BenchmarkImportSerializer, request)
        upload = data["file"]
        answer = import_table(
            host=request.user,
            benchmark=benchmark,
            content=upload.read(),
            source_name=upload.name,
            metric=data.get("metric", ""),
        )
        return Response(BenchmarkImportAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)
