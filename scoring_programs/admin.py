from django.contrib import admin

from scoring_programs.models import ProgramRun, ScoringProgram


@admin.register(ScoringProgram)
class ScoringProgramAdmin(admin.ModelAdmin):
    list_display = (
        "archive_name",
        "pair",
        "phase_track",
        "wall_seconds",
        "cpu_seconds",
        "memory_mb",
        "uploaded_at",
    )
    search_fields = ("archive_name", "pair__competition__slug")
    raw_id_fields = ("pair", "phase_track", "uploaded_by")


@admin.register(ProgramRun)
class ProgramRunAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "program",
        "purpose",
        "status",
        "submission",
        "exit_code",
        "killed_by",
        "created_at",
    )
    list_filter = ("purpose", "status")
    raw_id_fields = ("program", "submission")
