from django.db import migrations, models


def number_existing_submissions(apps, schema_editor):
    """Each team's submissions get 1, 2, 3... in the order they were made; a host's test has no team and no
    number."""
    Submission = apps.get_model("submissions", "Submission")
    numbers: dict[int, int] = {}
    for submission in Submission.objects.filter(team__isnull=False).order_by("team_id", "created_at", "id").only("pk", "team_id"):
        numbers[submission.team_id] = numbers.get(submission.team_id, 0) + 1
        Submission.objects.filter(pk=submission.pk).update(team_number=numbers[submission.team_id])


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0005_host_test_submissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="team_number",
            field=models.PositiveIntegerField(null=True),
        ),
        migrations.RunPython(number_existing_submissions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="submission",
            name="team_number",
            field=models.PositiveIntegerField(
                null=True,
                blank=True,
                help_text="1, 2, 3... in the order the team made them; never reused, so it stays when one is "
                "deleted. Empty for a host's test submission.",
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(fields=("team", "team_number"), name="submission_number_once_per_team"),
        ),
    ]
