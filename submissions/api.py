from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions.phases import board_pair, find_phase, find_track, pair_of
from competitions.queries import (
    can_review,
    can_see_private_scores,
    competition_for,
    require_manager,
    require_participant,
    team_for,
)
from config.api_input import validated
from config.api_input_limits import BoundedJSONParser, BoundedPagination, WholeMultiPartParser
from config.api_schema import PAGING, RANGE_HEADERS, download_answers, error, errors, paginated
from config.errors import NotFound
from datasets.downloads import StoredDownload, stored_file_response
from datasets.storage import private_storage
from submissions.code import set_code_inputs
from submissions.host_tests import MAKES_TESTS, create_host_test, host_test_submissions
from submissions.idempotency import read_idempotency_key, submit_once
from submissions.queries import code_runs_for, submission_for, visible_submissions
from submissions.quota import team_quota
from submissions.serializers import (
    FileCheckedSerializer,
    FileCheckSerializer,
    HostTestCreateSerializer,
    HostTestSubmissionSerializer,
    PairCodeInputSerializer,
    PairCodeSerializer,
    QuotaSerializer,
    SelectionSerializer,
    SubmissionAcceptedSerializer,
    SubmissionCreateSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
)
from submissions.services import (
    HEAD_BYTES,
    cancel_submission,
    check_before_upload,
    check_declared_size,
    select_final,
)


def viewer_context(user, competition) -> dict:
    """What the viewer may see of a competition's submissions, for SubmissionSerializer."""
    sees_hidden = can_review(user, competition)
    return {
        "show_private": can_see_private_scores(user, competition),
        "show_host_detail": sees_hidden,
        "sees_hidden_columns": sees_hidden,
        "competition": competition,
    }


PHASE_AND_TRACK = [
    OpenApiParameter("phase", int, required=False, description="Only this phase's (its number)."),
    OpenApiParameter("track", str, required=False, description="Only this track's (its slug)."),
]


def named_pair(competition, params):
    """The phase and track a list names with ?phase=N&track=slug: None if it names neither; naming one
    only, the other is the current phase or the default track (competitions.phases.board_pair)."""
    if not params.get("phase") and not params.get("track"):
        return None
    return board_pair(competition, params.get("phase"), params.get("track"))


def serialize(user, competition, submissions, many=False):
    return SubmissionSerializer(submissions, many=many, context=viewer_context(user, competition)).data


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key of your choosing for this upload (a UUID). Sent again within 24 hours, with the same file to "
        "the same competition, it answers with the first submission (and the header Idempotent-Replayed: "
        "true) instead of making and charging a second one: retry a lost answer safely."
    ),
)


class CompetitionSubmissionsApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="submissions_list",
        summary="Your team's submissions in a competition (the host sees every team's)",
        tags=["submissions"],
        parameters=[*PAGING, *PHASE_AND_TRACK],
        responses={
            200: paginated(
                "PaginatedSubmissionList",
                SubmissionSerializer,
                quota=QuotaSerializer(allow_null=True, help_text="Your team's quota; null without a team."),
            ),
            **errors(400, 401, 404),
        },
    )
    def get(self, request, slug):
        """Newest first, paginated with ?limit= and ?offset= (the host sees every team's); ?phase=N and
        ?track=slug narrow them to one phase and track, whose quota the answer then gives."""
        competition = competition_for(request.user, slug)
        pair = named_pair(competition, request.query_params)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(
            visible_submissions(request.user, competition, pair), request, view=self
        )
        response = paginator.get_paginated_response(serialize(request.user, competition, page, many=True))
        team = team_for(request.user, competition)
        response.data["quota"] = QuotaSerializer(team_quota(team, pair=pair)).data if team else None
        return response

    @extend_schema(
        operation_id="submissions_create",
        summary="Upload a prediction file (or a code zip, where the phase and track takes code) to be scored",
        tags=["submissions"],
        request={"multipart/form-data": SubmissionCreateSerializer},
        parameters=[IDEMPOTENCY_KEY],
        responses={
            202: SubmissionAcceptedSerializer,
            **errors(400, 401, 403, 404, 409, 413),
            422: error(
                "The Idempotency-Key was already used in the last 24 hours for another file or another "
                "competition (code idempotency_key_reused)."
            ),
            429: error(
                "The team's quota is used up (code quota_exceeded, total_quota_exceeded or too_many_in_flight, "
                "with the quota in details), or a burst limit was reached."
            ),
        },
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        check_declared_size(request.META.get("CONTENT_LENGTH"))
        key = read_idempotency_key(request.headers.get("Idempotency-Key"))
        form = validated(SubmissionCreateSerializer, request)
        upload = form["file"]
        submission, quota, replayed = submit_once(
            key=key,
            competition=competition,
            user=request.user,
            file_name=upload.name,
            stream=upload,
            description=form["description"],
            phase=form["phase"],
            track=form["track"],
        )
        accepted = SubmissionAcceptedSerializer(
            {"submission": submission, "quota": quota}, context=viewer_context(request.user, competition)
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else None
        return Response(accepted.data, status=status.HTTP_202_ACCEPTED, headers=headers)


class HostTestSubmissionsApi(APIView):
    """The host's test submissions: scored like any submission, in every phase, and never on a board, a quota
    or a participant figure."""

    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="host_test_submissions_list",
        summary="The host's test submissions, newest first, with both scores (the host)",
        tags=["submissions"],
        parameters=PAGING,
        responses={
            200: paginated("PaginatedHostTestSubmissionList", HostTestSubmissionSerializer),
            **errors(400, 401, 403, 404),
        },
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        require_manager(request.user, competition, MAKES_TESTS)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(host_test_submissions(competition), request, view=self)
        return paginator.get_paginated_response(HostTestSubmissionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="host_test_submissions_create",
        summary="Upload a test prediction file to check the setup (the host)",
        description="Validated and scored by the same task as participants' files, before the start, while "
        "the competition runs and after its end; it enters no leaderboard, no quota and no participant "
        "figure. At most 5 test files wait or score at once (429, code too_many_in_flight). Follow its "
        "scoring with the list.",
        tags=["submissions"],
        request={"multipart/form-data": HostTestCreateSerializer},
        responses={
            202: HostTestSubmissionSerializer,
            **errors(400, 401, 403, 404, 413),
            429: error(
                "Five test files are still waiting or scoring (code too_many_in_flight), or a burst limit was "
                "reached."
            ),
        },
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        require_manager(request.user, competition, MAKES_TESTS)
        check_declared_size(request.META.get("CONTENT_LENGTH"))
        upload = validated(HostTestCreateSerializer, request)["file"]
        submission = create_host_test(
            competition=competition, user=request.user, file_name=upload.name, stream=upload
        )
        return Response(HostTestSubmissionSerializer(submission).data, status=status.HTTP_202_ACCEPTED)


class SubmissionCheckApi(APIView):
    """The upload form sends a file's first bytes here before the file: the answer is what the upload, then
    scoring, would refuse about its name, size, kind and header, in the same words."""

    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser]

    @extend_schema(
        operation_id="submissions_check",
        summary="Check a prediction file's name, size and header before uploading it",
        tags=["submissions"],
        request={"multipart/form-data": FileCheckSerializer},
        responses={200: FileCheckedSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, slug):
        competition = competition_for(request.user, slug)
        require_participant(request.user, competition, "submit")
        form = validated(FileCheckSerializer, request)
        check_before_upload(
            competition=competition,
            file_name=form["head"].name,
            size=form["size"],
            head=form["head"].read(HEAD_BYTES),
        )
        return Response(FileCheckedSerializer({"ok": True}).data)


class SubmissionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="submission_retrieve",
        summary="One submission: its status, scores, error and code runs",
        description="The private score appears for the host and admins, and for everyone once the "
        "competition has ended. A code submission's runs: the sample run in full; of the run on hidden "
        "inputs, only its status, duration, peak memory and failure category (the host sees its logs too).",
        tags=["submissions"],
        responses={200: SubmissionDetailSerializer, **errors(401, 404)},
    )
    def get(self, request, submission_id):
        submission = submission_for(request.user, submission_id)
        context = {
            **viewer_context(request.user, submission.competition),
            "code_runs": code_runs_for(request.user, submission),
        }
        return Response(SubmissionDetailSerializer(submission, context=context).data)


class PairCodeApi(APIView):
    """What a track takes in a phase (files, code or both) and the inputs its code runs on."""

    permission_classes = [IsAuthenticated]
    parser_classes = [WholeMultiPartParser, FormParser]

    @extend_schema(
        operation_id="competition_phase_track_code_update",
        summary="Let a track take code in one phase, with its hidden and sample inputs (the host)",
        description="Hidden inputs are needed for code (code hidden_inputs_missing); inputs holding a target "
        "column are refused (code inputs_hold_targets); an ingestion program without a command in its "
        "metadata.yaml too (code ingestion_program_invalid). New hidden inputs or ingestion program on a pair "
        "with scored code submissions need rerun=true (code pair_has_scores): a rescore (the answer's `rerun`) "
        "runs and scores them again on the new ones, and the pair keeps its current inputs, scores and boards "
        "until it is done; not while a rescore runs (code rescore_running). docs/code-submissions.md.",
        tags=["competitions"],
        request={"multipart/form-data": PairCodeInputSerializer},
        responses={200: PairCodeSerializer, **errors(400, 401, 403, 404)},
    )
    def put(self, request, slug, number, track):
        competition = competition_for(request.user, slug)
        data = validated(PairCodeInputSerializer, request)
        phase, chosen = find_phase(competition, number), find_track(competition, track)
        if phase is None or chosen is None:
            raise NotFound("Name a phase and a track.")
        uploads = {
            name: (data[name].name, data[name])
            for name in ("hidden_inputs", "sample_inputs", "ingestion_program")
            if name in data
        }
        saved = set_code_inputs(
            competition=competition,
            user=request.user,
            pair=pair_of(competition, phase, chosen),
            accepts=data["accepts"],
            default_ingestion=data["default_ingestion"],
            rerun=data["rerun"],
            **uploads,
        )
        pair, rerun = saved.pair, saved.rerun
        answer = {
            "phase": pair.phase,
            "track": pair.track,
            "accepts": pair.accepts,
            "has_hidden_inputs": bool(pair.code_inputs_key),
            "has_sample_inputs": bool(pair.sample_inputs_key),
            "has_ingestion_program": bool(pair.ingestion_program_key),
            "rerun": rerun,
        }
        return Response(PairCodeSerializer(answer).data)


class SubmissionFileApi(APIView):
    """The uploaded prediction file, for its team and the host."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="submission_file_download",
        summary="Download the uploaded prediction file",
        tags=["submissions"],
        parameters=RANGE_HEADERS,
        responses={**download_answers("the prediction file"), **errors(401, 404)},
    )
    def get(self, request, submission_id):
        submission = submission_for(request.user, submission_id)
        download = StoredDownload(
            private_storage(),
            submission.file_key,
            submission.file_name,
            submission.file_size,
            submission.file_sha256,
        )
        return stored_file_response(request, download)


class SubmissionSelectApi(APIView):
    """POST {"selected": true|false}: mark a submission as one of the team's finals, or unmark it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [BoundedJSONParser, FormParser, WholeMultiPartParser]

    @extend_schema(
        operation_id="submission_select",
        summary="Mark a submission as one of the team's finals, or unmark it",
        tags=["submissions"],
        request=SelectionSerializer,
        responses={200: SubmissionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, submission_id):
        submission = submission_for(request.user, submission_id)
        selected = validated(SelectionSerializer, request)["selected"]
        select_final(submission=submission, user=request.user, selected=selected)
        return Response(serialize(request.user, submission.competition, submission))


class SubmissionCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="submission_cancel",
        summary="Cancel a submission that is still waiting to be scored",
        tags=["submissions"],
        request=None,
        responses={200: SubmissionSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, submission_id):
        submission = cancel_submission(
            submission=submission_for(request.user, submission_id), user=request.user
        )
        return Response(serialize(request.user, submission.competition, submission))


class QuotaApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="quota_retrieve",
        summary="Your team's submission quota",
        description="In the current phase (and the default track, unless ?track= names another: quotas are "
        "per track unless the host shares them).",
        tags=["submissions"],
        parameters=PHASE_AND_TRACK,
        responses={200: QuotaSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request, slug):
        competition = competition_for(request.user, slug)
        team = require_participant(request.user, competition, "see your quota")
        return Response(
            QuotaSerializer(team_quota(team, pair=named_pair(competition, request.query_params))).data
        )
