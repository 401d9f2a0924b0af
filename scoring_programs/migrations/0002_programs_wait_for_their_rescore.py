import django.db.models.deletion
from django.db import migrations, models


def name_each_programs_pair(apps, schema_editor):
    ScoringProgram = apps.get_model("scoring_programs", "ScoringProgram")
    ScoringProgram.objects.update(pair=models.F("phase_track"))


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0015_phase_track_scoring_program"),
        ("scoring_programs", "0001_create_scoring_programs"),
    ]

    operations = [
        migrations.AddField(
            model_name="scoringprogram",
            name="pair",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scoring_programs",
                to="competitions.phasetrack",
            ),
        ),
        migrations.RunPython(name_each_programs_pair, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="scoringprogram",
            name="pair",
            field=models.ForeignKey(
                help_text="The phase and track it was uploaded for, current or not.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scoring_programs",
                to="competitions.phasetrack",
            ),
        ),
        migrations.AlterField(
            model_name="scoringprogram",
            name="phase_track",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scoring_program",
                to="competitions.phasetrack",
            ),
        ),
    ]
