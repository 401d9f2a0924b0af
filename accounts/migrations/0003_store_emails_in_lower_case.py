"""Accounts made by an admin or a script before addresses were stored in lower case get theirs lowered, so the
password reset finds them."""

from django.db import migrations
from django.db.models.functions import Lower, Trim


def lower_case_emails(apps, schema_editor):
    apps.get_model("accounts", "User").objects.update(email=Lower(Trim("email")))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_add_user_ban")]

    operations = [migrations.RunPython(lower_case_emails, migrations.RunPython.noop)]
