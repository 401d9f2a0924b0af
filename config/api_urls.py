from django.urls import path

from accounts import api as accounts_api
from bundles import api as bundles_api
from community import api as community_api
from community import benchmark_api, paper_api, rating_api, writeup_api
from competitions import admission_api, phase_api, team_api
from competitions import api as competitions_api
from competitions import co_host_api as competitions_co_host_api
from competitions import croissant_api as competition_croissant_api
from datasets import api as datasets_api
from datasets import croissant_api
from leaderboards import api as leaderboards_api
from leaderboards import prize_api
from mail import api as mail_api
from moderation import api as moderation_api
from organisations import api as organisations_api
from projects import api as projects_api
from scoring import api as scoring_api
from scoring_programs import api as scoring_programs_api
from submissions import api as submissions_api

urlpatterns = [
    path(
        "competitions/<slug:slug>/invitation/",
        admission_api.InvitationRedeemApi.as_view(),
        name="api-competition-invitation",
    ),
    path(
        "competitions/<slug:slug>/join-request/",
        admission_api.OwnJoinRequestApi.as_view(),
        name="api-competition-join-request",
    ),
    path(
        "competitions/<slug:slug>/access/invitation-links/",
        admission_api.InvitationLinksApi.as_view(),
        name="api-access-invitation-links",
    ),
    path(
        "competitions/<slug:slug>/access/invitation-links/<int:invitation_id>/revoke/",
        admission_api.InvitationLinkRevokeApi.as_view(),
        name="api-access-invitation-link-revoke",
    ),
    path(
        "competitions/<slug:slug>/access/allow-list/",
        admission_api.AllowListApi.as_view(),
        name="api-access-allow-list",
    ),
    path(
        "competitions/<slug:slug>/access/allow-list/<int:entry_id>/",
        admission_api.AllowListEntryApi.as_view(),
        name="api-access-allow-list-entry",
    ),
    path(
        "competitions/<slug:slug>/access/join-requests/",
        admission_api.JoinRequestsApi.as_view(),
        name="api-access-join-requests",
    ),
    path(
        "competitions/<slug:slug>/access/join-requests/<int:request_id>/approve/",
        admission_api.JoinRequestApproveApi.as_view(),
        name="api-access-join-request-approve",
    ),
    path(
        "competitions/<slug:slug>/access/join-requests/<int:request_id>/refuse/",
        admission_api.JoinRequestRefuseApi.as_view(),
        name="api-access-join-request-refuse",
    ),
    path("markdown/preview/", community_api.MarkdownPreviewApi.as_view(), name="api-markdown-preview"),
    path("discussions/<str:kind>/<str:key>/", community_api.DiscussionApi.as_view(), name="api-discussion"),
    path("comments/<int:comment_id>/", community_api.CommentApi.as_view(), name="api-comment"),
    path("comments/<int:comment_id>/flag/", community_api.CommentFlagApi.as_view(), name="api-comment-flag"),
    path(
        "competitions/<slug:slug>/writeups/",
        writeup_api.CompetitionWriteUpsApi.as_view(),
        name="api-competition-writeups",
    ),
    path("competitions/<slug:slug>/benchmark/", benchmark_api.BenchmarkApi.as_view(), name="api-benchmark"),
    path(
        "competitions/<slug:slug>/benchmark/export/",
        benchmark_api.BenchmarkExportApi.as_view(),
        name="api-benchmark-export",
    ),
    path(
        "competitions/<slug:slug>/benchmark/import/",
        benchmark_api.BenchmarkImportApi.as_view(),
        name="api-benchmark-import",
    ),
    path("papers/", paper_api.PaperListApi.as_view(), name="api-papers"),
    path("papers/import/", paper_api.PaperImportApi.as_view(), name="api-paper-import"),
    path("papers/<int:paper_id>/", paper_api.PaperDetailApi.as_view(), name="api-paper"),
    path(
        "papers/<int:paper_id>/implementations/",
        paper_api.PaperImplementationsApi.as_view(),
        name="api-paper-implementations",
    ),
    path("tasks/", paper_api.TaskListApi.as_view(), name="api-tasks"),
    path("tasks/<slug:slug>/", paper_api.TaskDetailApi.as_view(), name="api-task"),
    path("search/", paper_api.SearchApi.as_view(), name="api-search"),
    path("writeups/<int:writeup_id>/", writeup_api.WriteUpApi.as_view(), name="api-writeup"),
    path("votes/<str:kind>/<str:key>/", community_api.VoteApi.as_view(), name="api-vote"),
    path("ratings/<str:kind>/<str:key>/", rating_api.RatingApi.as_view(), name="api-rating"),
    path("me/notifications/", community_api.NotificationsApi.as_view(), name="api-notifications"),
    path(
        "me/notifications/read/",
        community_api.NotificationsReadApi.as_view(),
        name="api-notifications-read",
    ),
    path("me/", accounts_api.MeApi.as_view(), name="api-me"),
    path(
        "me/email/confirmation/",
        accounts_api.EmailConfirmationApi.as_view(),
        name="api-email-confirmation",
    ),
    path("me/email/confirm/", accounts_api.EmailConfirmApi.as_view(), name="api-email-confirm"),
    path("orgs/", organisations_api.OrganisationListApi.as_view(), name="api-organisations"),
    path("orgs/<slug:slug>/", organisations_api.OrganisationDetailApi.as_view(), name="api-organisation"),
    path(
        "orgs/<slug:slug>/members/",
        organisations_api.OrganisationMembersApi.as_view(),
        name="api-organisation-members",
    ),
    path(
        "orgs/<slug:slug>/members/<str:username>/",
        organisations_api.OrganisationMemberApi.as_view(),
        name="api-organisation-member",
    ),
    path(
        "competitions/<slug:slug>/co-hosts/",
        competitions_co_host_api.CoHostsApi.as_view(),
        name="api-competition-co-hosts",
    ),
    path(
        "competitions/<slug:slug>/co-hosts/<str:username>/",
        competitions_co_host_api.CoHostApi.as_view(),
        name="api-competition-co-host",
    ),
    path("me/tokens/", accounts_api.ApiTokensApi.as_view(), name="api-tokens"),
    path("me/mail-preferences/", mail_api.MailPreferencesApi.as_view(), name="api-mail-preferences"),
    path("me/tokens/<int:token_id>/", accounts_api.ApiTokenApi.as_view(), name="api-token"),
    path("datasets/", datasets_api.DatasetListApi.as_view(), name="api-datasets"),
    path("datasets/<slug:slug>/", datasets_api.DatasetDetailApi.as_view(), name="api-dataset"),
    path(
        "datasets/<slug:slug>/versions/",
        datasets_api.DatasetVersionsApi.as_view(),
        name="api-dataset-versions",
    ),
    path(
        "datasets/<slug:slug>/versions/<int:number>/",
        datasets_api.DatasetVersionApi.as_view(),
        name="api-dataset-version",
    ),
    path(
        "datasets/<slug:slug>/versions/<int:number>/download/",
        datasets_api.DatasetZipDownloadApi.as_view(),
        name="api-dataset-zip",
    ),
    path(
        "datasets/<slug:slug>/versions/<int:number>/files/<str:name>",
        datasets_api.DatasetFileDownloadApi.as_view(),
        name="api-dataset-file",
    ),
    path("projects/", projects_api.ProjectListApi.as_view(), name="api-projects"),
    path("projects/<slug:slug>/", projects_api.ProjectDetailApi.as_view(), name="api-project"),
    path("projects/<slug:slug>/fork/", projects_api.ProjectForkApi.as_view(), name="api-project-fork"),
    path(
        "projects/<slug:slug>/versions/",
        projects_api.ProjectVersionsApi.as_view(),
        name="api-project-versions",
    ),
    path(
        "projects/<slug:slug>/versions/<int:number>/",
        projects_api.ProjectVersionApi.as_view(),
        name="api-project-version",
    ),
    path(
        "projects/<slug:slug>/versions/<int:number>/files/<str:name>",
        projects_api.ProjectFileDownloadApi.as_view(),
        name="api-project-file",
    ),
    path("competitions/", competitions_api.CompetitionListApi.as_view(), name="api-competitions"),
    path("bundles/", bundles_api.BundleImportListApi.as_view(), name="api-bundles"),
    path("bundles/<int:import_id>/", bundles_api.BundleImportDetailApi.as_view(), name="api-bundle"),
    path(
        "competitions/<slug:slug>/", competitions_api.CompetitionDetailApi.as_view(), name="api-competition"
    ),
    path(
        "competitions/<slug:slug>/logo/",
        competitions_api.CompetitionLogoApi.as_view(),
        name="api-competition-logo",
    ),
    path(
        "competitions/<slug:slug>/publish/",
        competitions_api.CompetitionPublishApi.as_view(),
        name="api-competition-publish",
    ),
    path(
        "competitions/<slug:slug>/join/",
        competitions_api.CompetitionJoinApi.as_view(),
        name="api-competition-join",
    ),
    path(
        "competitions/<slug:slug>/files/",
        competitions_api.CompetitionFilesApi.as_view(),
        name="api-competition-files",
    ),
    path(
        "competitions/<slug:slug>/files/<str:name>",
        competitions_api.CompetitionFileDownloadApi.as_view(),
        name="api-competition-file",
    ),
    path(
        "competitions/<slug:slug>/download/",
        competitions_api.CompetitionZipDownloadApi.as_view(),
        name="api-competition-zip",
    ),
    path(
        "competitions/<slug:slug>/submissions/",
        submissions_api.CompetitionSubmissionsApi.as_view(),
        name="api-competition-submissions",
    ),
    path(
        "competitions/<slug:slug>/host/test-submissions/",
        submissions_api.HostTestSubmissionsApi.as_view(),
        name="api-host-test-submissions",
    ),
    path(
        "competitions/<slug:slug>/submissions/check/",
        submissions_api.SubmissionCheckApi.as_view(),
        name="api-competition-submission-check",
    ),
    path("competitions/<slug:slug>/quota/", submissions_api.QuotaApi.as_view(), name="api-competition-quota"),
    path(
        "competitions/<slug:slug>/leaderboard/",
        leaderboards_api.LeaderboardApi.as_view(),
        name="api-leaderboard",
    ),
    path(
        "competitions/<slug:slug>/leaderboard/csv/",
        leaderboards_api.LeaderboardCsvApi.as_view(),
        name="api-leaderboard-csv",
    ),
    path(
        "submissions/<int:submission_id>/",
        leaderboards_api.SubmissionApi.as_view(),
        name="api-submission",
    ),
    path(
        "submissions/<int:submission_id>/file/",
        submissions_api.SubmissionFileApi.as_view(),
        name="api-submission-file",
    ),
    path(
        "submissions/<int:submission_id>/select/",
        submissions_api.SubmissionSelectApi.as_view(),
        name="api-submission-select",
    ),
    path(
        "submissions/<int:submission_id>/cancel/",
        submissions_api.SubmissionCancelApi.as_view(),
        name="api-submission-cancel",
    ),
    path(
        "submissions/<int:submission_id>/disqualify/",
        moderation_api.SubmissionDisqualifyApi.as_view(),
        name="api-submission-disqualify",
    ),
    path("competitions/<slug:slug>/rescore/", scoring_api.RescoreApi.as_view(), name="api-rescore"),
    path(
        "competitions/<slug:slug>/teams/<int:team_id>/disqualify/",
        moderation_api.TeamDisqualifyApi.as_view(),
        name="api-team-disqualify",
    ),
    path("competitions/<slug:slug>/prizes/", prize_api.PrizesApi.as_view(), name="api-prizes"),
    path("competitions/<slug:slug>/phases/", phase_api.PhasesApi.as_view(), name="api-phases"),
    path("competitions/<slug:slug>/tracks/", phase_api.TracksApi.as_view(), name="api-tracks"),
    path(
        "competitions/<slug:slug>/phases/<int:number>/tracks/<slug:track>/scoring/",
        phase_api.PairScoringApi.as_view(),
        name="api-phase-track-scoring",
    ),
    path(
        "competitions/<slug:slug>/scoring-program/",
        scoring_programs_api.ScoringProgramApi.as_view(),
        name="api-scoring-program",
    ),
    path(
        "competitions/<slug:slug>/scoring-program/dry-run/",
        scoring_programs_api.DryRunApi.as_view(),
        name="api-scoring-program-dry-run",
    ),
    path(
        "competitions/<slug:slug>/scoring-program/sample-code/",
        scoring_programs_api.SampleCodeApi.as_view(),
        name="api-scoring-program-sample-code",
    ),
    path(
        "competitions/<slug:slug>/scoring-program/runs/<int:run_id>/",
        scoring_programs_api.ProgramRunApi.as_view(),
        name="api-scoring-program-run",
    ),
    path(
        "competitions/<slug:slug>/phases/<int:number>/tracks/<slug:track>/code/",
        submissions_api.PairCodeApi.as_view(),
        name="api-phase-track-code",
    ),
    path(
        "competitions/<slug:slug>/teams/<int:team_id>/prize-eligibility/",
        prize_api.TeamPrizeEligibilityApi.as_view(),
        name="api-team-prize-eligibility",
    ),
    path("competitions/<slug:slug>/team/", team_api.TeamApi.as_view(), name="api-team"),
    path(
        "competitions/<slug:slug>/team/invitations/",
        team_api.TeamInvitationsApi.as_view(),
        name="api-team-invitations",
    ),
    path("competitions/<slug:slug>/team/leave/", team_api.TeamLeaveApi.as_view(), name="api-team-leave"),
    path(
        "competitions/<slug:slug>/team/members/<str:username>/remove/",
        team_api.TeamMemberRemoveApi.as_view(),
        name="api-team-remove",
    ),
    path(
        "competitions/<slug:slug>/team/disband/", team_api.TeamDisbandApi.as_view(), name="api-team-disband"
    ),
    path(
        "competitions/<slug:slug>/team/merge-requests/",
        team_api.MergeRequestsApi.as_view(),
        name="api-team-merge-requests",
    ),
    *[
        path(
            f"competitions/<slug:slug>/invitations/<int:invitation_id>/{verb}/",
            team_api.InvitationAnswerApi.as_view(verb=verb),
            name=f"api-invitation-{verb}",
        )
        for verb in ("accept", "decline", "withdraw")
    ],
    *[
        path(
            f"competitions/<slug:slug>/merge-requests/<int:request_id>/{verb}/",
            team_api.MergeRequestAnswerApi.as_view(verb=verb),
            name=f"api-merge-request-{verb}",
        )
        for verb in ("accept", "decline", "withdraw")
    ],
    path(
        "datasets/<slug:slug>/croissant/",
        croissant_api.DatasetCroissantApi.as_view(),
        name="api-dataset-croissant",
    ),
    path(
        "competitions/<slug:slug>/croissant/",
        competition_croissant_api.CompetitionCroissantApi.as_view(),
        name="api-competition-croissant",
    ),
]
