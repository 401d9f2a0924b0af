from django.db import migrations


def keep_benchmarks_open(apps, schema_editor):
    """Benchmarks opened before competitions knew of open_after_end take newcomers too."""
    Benchmark = apps.get_model("community", "Benchmark")
    Competition = apps.get_model("competitions", "Competition")
    Competition.objects.filter(
        pk__in=Benchmark.objects.values_list("competition_id", flat=True)
    ).update(open_after_end=True)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_add_benchmarks_and_imported_results"),
        ("competitions", "0008_benchmarks_take_newcomers_after_the_end"),
    ]

    operations = [migrations.RunPython(keep_benchmarks_open, migrations.RunPython.noop)]
