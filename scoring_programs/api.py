"""The host's scoring program API: PUT a program for a phase and track, GET it with its dry run, DELETE it,
run its dry run again, give the sample code a code pair's dry run runs, and read one run's logs
(docs/scoring-programs.md)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.phases import board_pair
from competitions.queries import competition_for
from config.api_input import checked, validated
from config.api_input_limits import WholeMultiPartParser
from config.api_schema import errors
from config.errors import NotFound
from scoring_programs.columns import LIMITS
from scoring_programs.queries import program_for, program_run_for
from scoring_programs.sample_code import set_sample_code
from scoring_programs.serializers import (
    PairSelectionSerializer,
    ProgramInputSerializer,
    ProgramRunSerializer,
    ProgramSerializer,
    SampleCodeInputSerializer,
    SampleCodeSerializer,
)
from scoring_programs.services import delete_scoring_program, rerun_dry_run, set_scoring_program

PAIR = [
    OpenApiParameter("phase", OpenApiTypes.STR, description="The phase's number; empty: the current phase."),
    OpenApiParameter("track", OpenApiTypes.STR, description="The track's slug; empty: the default track."),
]


class ScoringProgramApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="competition_scoring_program_retrieve",
        summary="A phase and track's scoring program, its columns, limits and latest dry run (the host)",
        description="404 when the pair is scored by its catalogue metric. The dry run's logs are the host's.",
        tags=["competitions"],
        parameters=PAIR,
        responses={200: ProgramSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        pair = selected_pair(
            competition, checked(PairSelectionSerializer, request.query_params).validated_data
        )
        program = program_for(request.user, competition, pair)
        if program is None:
            raise NotFound(
                f"{pair.phase.name} / {pair.track.name} has no scoring program: its metric scores it."
            )
        return Response(ProgramSerializer(program).data)

    @extend_schema(
        operation_id="competition_scoring_program_update",
        summary="Score a phase and track with a program (the host)",
        description="Multipart: `program` (a zip with metadata.yaml whose `command` runs it), optional "
        "`reference` (a zip of more reference data), `columns` (JSON), optional limits, and `phase`/`track` "
        "naming the pair. "
        "The zip is checked (paths, links, zip bombs, metadata.yaml and its command), then a dry run on the "
        "sample submission is queued on the sandbox workers; the competition is published only once it "
        "passes. "
        "On a pair with scored submissions, a rescore brings the new program in: it runs the dry run, then "
        "scores every scored submission again, and the boards switch when all are done (400 `rescore_running` "
        "while another rescore runs). A pair its metric scores is refused once it has scores.",
        tags=["competitions"],
        request={"multipart/form-data": ProgramInputSerializer},
        responses={200: ProgramSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(ProgramInputSerializer, request)
        pair = selected_pair(competition, data)
        reference = data.get("reference")
        program = set_scoring_program(
            competition=competition,
            user=request.user,
            pair=pair,
            archive_name=data["program"].name,
            archive=data["program"].read(),
            columns=data["columns"],
            limits={name: data[name] for name in LIMITS},
            reference_name=reference.name if reference else "",
            reference=reference.read() if reference else None,
        )
        return Response(ProgramSerializer(program).data)

    @extend_schema(
        operation_id="competition_scoring_program_destroy",
        summary="Score a phase and track with its metric again (the host)",
        tags=["competitions"],
        parameters=PAIR,
        responses={204: None, **errors(400, 401, 403, 404)},
    )
    def delete(self, request, slug):
        competition = competition_for(request.user, slug)
        pair = selected_pair(
            competition, checked(PairSelectionSerializer, request.query_params).validated_data
        )
        delete_scoring_program(competition=competition, user=request.user, pair=pair)
        return Response(status=204)


class DryRunApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="competition_scoring_program_dry_run_create",
        summary="Run a phase and track's scoring program's dry run again (the host)",
        description="Queues a new dry run of the pair's current program: on the file the last one ran on if it "
        "was an imported bundle's solution, else on the pair's sample code (where it takes code), else on the "
        "sample submission. 400 `dry_run_running` while one is queued or running, `no_scoring_program` where "
        "the pair's metric scores it.",
        tags=["competitions"],
        request=PairSelectionSerializer,
        responses={202: ProgramRunSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        pair = selected_pair(competition, validated(PairSelectionSerializer, request))
        run = rerun_dry_run(competition=competition, user=request.user, pair=pair)
        return Response(ProgramRunSerializer(run).data, status=202)


class SampleCodeApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="competition_scoring_program_sample_code_update",
        summary="Give a phase and track that takes code its sample code, and run it (the host)",
        description="Multipart: `sample_code` (a code zip, as a participant submits one) and `phase`/`track`. "
        "Where a program scores the pair, its dry run runs the code through the pair's ingestion on the hidden "
        "inputs, then the program on its predictions; where a metric does, it is scored as a host test "
        "submission. 400 `pair_takes_files_only`, `hidden_inputs_missing`, `not_zip`, `no_entry_point`, "
        "`bad_zip`, `empty_file` or `file_too_large`, each naming the field `sample_code`.",
        tags=["competitions"],
        request={"multipart/form-data": SampleCodeInputSerializer},
        responses={200: SampleCodeSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug):
        competition = competition_for(request.user, slug)
        data = validated(SampleCodeInputSerializer, request)
        pair = selected_pair(competition, data)
        sample = set_sample_code(
            competition=competition,
            user=request.user,
            pair=pair,
            file_name=data["sample_code"].name,
            stream=data["sample_code"],
        )
        return Response(SampleCodeSerializer(sample).data)


class ProgramRunApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="competition_scoring_program_run_retrieve",
        summary="One run of a scoring program with its logs (the host): the reference a participant is given",
        tags=["competitions"],
        responses={200: ProgramRunSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, slug, run_id):
        competition = competition_for(request.user, slug)
        return Response(ProgramRunSerializer(program_run_for(request.user, competition, run_id)).data)


def selected_pair(competition, data: dict):
    return board_pair(competition, data.get("phase") or None, data.get("track") or None)
