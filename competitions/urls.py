from django.urls import path

from competitions import (
    admission_views,
    co_host_views,
    logo_views,
    phase_views,
    prize_views,
    team_views,
    views,
)

app_name = "competitions"
urlpatterns = [
    path("", views.home, name="home"),
    path("competitions/", views.competition_list, name="list"),
    path("competitions/new/", views.competition_create, name="new"),
    path("competitions/<slug:slug>/", views.overview, name="overview"),
    path("competitions/<slug:slug>/logo/<str:name>", logo_views.logo, name="logo"),
    path("competitions/<slug:slug>/data/", views.data, name="data"),
    path("competitions/<slug:slug>/data/all.zip", views.download_zip, name="zip"),
    path("competitions/<slug:slug>/data/<str:name>", views.download_file, name="file"),
    path("competitions/<slug:slug>/evaluation/", views.evaluation, name="evaluation"),
    path("competitions/<slug:slug>/rules/", views.rules, name="rules"),
    path("competitions/<slug:slug>/join/", views.join, name="join"),
    path("competitions/<slug:slug>/publish/", views.publish, name="publish"),
    path("competitions/<slug:slug>/host/", views.host_settings, name="host"),
    path("competitions/<slug:slug>/host/check/", views.check, name="check"),
    path("competitions/<slug:slug>/host/logo/", logo_views.save_logo, name="host-logo"),
    path("competitions/<slug:slug>/host/logo/remove/", logo_views.remove_logo, name="host-logo-remove"),
    path("competitions/<slug:slug>/host/prizes/", prize_views.save_prizes, name="host-prizes"),
    path("competitions/<slug:slug>/host/phases/", phase_views.save_phases, name="host-phases"),
    path("competitions/<slug:slug>/host/phase-data/", phase_views.upload_data, name="host-phase-data"),
    path(
        "competitions/<slug:slug>/host/phases/template/",
        phase_views.use_phase_template,
        name="host-phases-template",
    ),
    path("competitions/<slug:slug>/host/tracks/", phase_views.save_tracks, name="host-tracks"),
    path(
        "competitions/<slug:slug>/host/prize-eligibility/",
        prize_views.prize_eligibility,
        name="host-prize-eligibility",
    ),
    path("competitions/<slug:slug>/host/co-hosts/", co_host_views.add, name="co-host-add"),
    path(
        "competitions/<slug:slug>/host/co-hosts/<str:username>/role/",
        co_host_views.change_role,
        name="co-host-role",
    ),
    path(
        "competitions/<slug:slug>/host/co-hosts/<str:username>/remove/",
        co_host_views.remove,
        name="co-host-remove",
    ),
    path("competitions/<slug:slug>/invitation/<str:code>/", admission_views.invitation, name="invitation"),
    path("competitions/<slug:slug>/join-request/", admission_views.request_to_join, name="join-request"),
    path(
        "competitions/<slug:slug>/host/access/invitations/",
        admission_views.create_invitation,
        name="access-invitation-new",
    ),
    path(
        "competitions/<slug:slug>/host/access/invitations/<int:invitation_id>/revoke/",
        admission_views.revoke_invitation,
        name="access-invitation-revoke",
    ),
    path(
        "competitions/<slug:slug>/host/access/allow-list/",
        admission_views.add_to_allow_list,
        name="access-allow-list-add",
    ),
    path(
        "competitions/<slug:slug>/host/access/allow-list/<int:entry_id>/remove/",
        admission_views.remove_from_allow_list,
        name="access-allow-list-remove",
    ),
    *[
        path(
            f"competitions/<slug:slug>/host/access/requests/<int:request_id>/{verb}/",
            admission_views.answer_join_request,
            {"verb": verb},
            name=f"access-request-{verb}",
        )
        for verb in ("approve", "refuse")
    ],
    path("competitions/<slug:slug>/team/", team_views.team_page, name="team"),
    path("competitions/<slug:slug>/team/rename/", team_views.rename, name="team-rename"),
    path("competitions/<slug:slug>/team/invite/", team_views.invite, name="team-invite"),
    path("competitions/<slug:slug>/team/leave/", team_views.leave, name="team-leave"),
    path("competitions/<slug:slug>/team/disband/", team_views.disband, name="team-disband"),
    path(
        "competitions/<slug:slug>/team/members/<str:username>/remove/", team_views.remove, name="team-remove"
    ),
    path("competitions/<slug:slug>/team/merge/", team_views.request_merge, name="team-merge"),
    *[
        path(
            f"competitions/<slug:slug>/team/invitations/<int:invitation_id>/{verb}/",
            team_views.answer_invitation,
            {"verb": verb},
            name=f"invitation-{verb}",
        )
        for verb in ("accept", "decline", "withdraw")
    ],
    *[
        path(
            f"competitions/<slug:slug>/team/merge-requests/<int:request_id>/{verb}/",
            team_views.answer_merge,
            {"verb": verb},
            name=f"merge-{verb}",
        )
        for verb in ("accept", "decline", "withdraw")
    ],
]
