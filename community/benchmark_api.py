"""The benchmark API: the results table, opening a benchmark, and its Papers With Code JSON export and import."""

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from community.benchmarks import BenchmarkRow, benchmark_of, benchmark_rows, metric_name, open_benchmark
from community.models import Benchmark
from community.pwc import export_table, import_table
from competitions.queries import competition_for
from config.api_input import validated
from config.api_schema import errors
from leaderboards.queries import higher_is_better


class BenchmarkOpenSerializer(serializers.Serializer):
    task = serializers.CharField(max_length=200, help_text="e.g. 'Image Classification'.")
    dataset_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The competition's title if empty."
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
    writeup = serializers.IntegerField(allow_null=True)


class BenchmarkSerializer(serializers.Serializer):
    competition = serializers.CharField()
    task = serializers.CharField()
    dataset_name = serializers.CharField()
    metric = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    opened_at = serializers.DateTimeField()
    rows = BenchmarkRowSerializer(many=True)


def row_json(row: BenchmarkRow) -> dict:
    return {
        "rank": row.rank,
        "method_name": row.method_name,
        "team": row.team,
        "score": row.score,
        "date": row.date,
        "paper_title": row.paper_title,
        "paper_url": row.paper_url,
        "code_url": row.code_url,
        "uses_additional_data": row.uses_additional_data,
        "is_imported": row.is_imported,
        "writeup": row.writeup_id,
    }


def benchmark_json(benchmark: Benchmark) -> dict:
    competition = benchmark.competition
    return {
        "competition": competition.slug,
        "task": benchmark.task,
        "dataset_name": benchmark.dataset_name,
        "metric": metric_name(competition),
        "higher_is_better": higher_is_better(competition),
        "opened_at": benchmark.opened_at,
        "rows": [row_json(row) for row in benchmark_rows(benchmark)],
    }


def export_response(benchmark: Benchmark) -> HttpResponse:
    """The table as a JSON file to save, named after the competition."""
    document = export_table(benchmark, benchmark_rows(benchmark))
    response = HttpResponse(json.dumps(document, indent=2, default=str), content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{benchmark.competition.slug}-evaluation-tables.json"'
    )
    return response


class BenchmarkApi(APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="benchmark_retrieve",
        summary="A benchmark's results table, best first",
        tags=["benchmarks"],
        responses={200: BenchmarkSerializer, **errors(401, 404)},
    )
    def get(self, request, slug):
        return Response(benchmark_json(benchmark_of(competition_for(request.user, slug))))

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
        return Response(benchmark_json(benchmark), status=status.HTTP_201_CREATED)


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
    parser_classes = [MultiPartParser]

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
        return Response(answer, status=status.HTTP_201_CREATED)
