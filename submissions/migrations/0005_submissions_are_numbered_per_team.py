from django.db import migrations, models


def number_existing_submissions(apps, schema_editor):
    """Each team's submissions get 1, 2, 3... in the order they were made."""
    Submission = apps.get_model("submissions", "Submission")
    numbers: dict[int, int] = {}
    for submission in Submission.objects.order_by("team_id", "created_at", "id").only("pk", "team_id"):
        numbers[submission.team_id] = numbers.get(submission.team_id, 0) + 1
        Submission.objects.filter(pk=submission.pk).update(team_number=numbers[submission.team_id])


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0004_uploads_take_an_idempotency_key"),
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
                help_text="1, 2, 3... in the order the team made them; never reused, so it stays when one is deleted."
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(fields=("team", "team_number"), name="submission_number_once_per_team"),
        ),
    ]
