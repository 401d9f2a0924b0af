"""Papers, their implementations and tasks. A benchmark's task, a name until now, becomes a Task row (one per
name, compared without regard to case); every write-up that names a paper (arXiv id or paper URL) is linked
to a Paper created from its fields, one per arXiv id (any version) or URL; imported results are linked to the
papers their paper_url names. Going back turns the tasks into names again; papers are dropped."""

import datetime

import django.db.models.deletion
from django.db import migrations, models
from django.utils.text import slugify


def tasks_from_names(apps, schema_editor):
    Benchmark = apps.get_model("community", "Benchmark")
    Task = apps.get_model("community", "Task")
    by_name = {}
    for benchmark in Benchmark.objects.order_by("pk"):
        name = " ".join(benchmark.task.split())[:200] or "Unnamed task"
        task = by_name.get(name.casefold())
        if task is None:
            slug, number = slugify(name)[:190] or "task", 1
            candidate = slug
            while Task.objects.filter(slug=candidate).exists():
                number += 1
                candidate = f"{slug}-{number}"
            task = by_name[name.casefold()] = Task.objects.create(name=name, slug=candidate)
        benchmark.task_ref = task
        benchmark.save(update_fields=["task_ref"])


def names_from_tasks(apps, schema_editor):
    Benchmark = apps.get_model("community", "Benchmark")
    for benchmark in Benchmark.objects.select_related("task_ref"):
        benchmark.task = benchmark.task_ref.name if benchmark.task_ref else ""
        benchmark.save(update_fields=["task"])


def papers_from_writeups(apps, schema_editor):
    from community.papers import arxiv_id_in_url, paper_arxiv_id
    from config.errors import DomainError

    WriteUp = apps.get_model("community", "WriteUp")
    Paper = apps.get_model("community", "Paper")
    ImportedResult = apps.get_model("community", "ImportedResult")
    papers = {}
    for writeup in WriteUp.objects.order_by("created_at", "pk"):
        try:
            arxiv_id = paper_arxiv_id(writeup.arxiv_id) if writeup.arxiv_id else arxiv_id_in_url(writeup.paper_url)
        except DomainError:  # saved before the rule; left unlinked rather than guessed
            arxiv_id = ""
        key = ("arxiv", arxiv_id) if arxiv_id else ("url", writeup.paper_url)
        if not key[1]:
            continue
        if key not in papers:
            authors = [name.strip() for name in writeup.paper_authors.replace(" and ", ",").split(",")]
            papers[key] = Paper.objects.create(
                title=(writeup.paper_title or writeup.title)[:500],
                authors=[name for name in authors if name],
                venue=writeup.venue[:200],
                published_on=datetime.date(writeup.year, 1, 1) if writeup.year else None,
                arxiv_id=arxiv_id,
                url=writeup.paper_url,
            )
        writeup.paper = papers[key]
        writeup.save(update_fields=["paper"])
    for result in ImportedResult.objects.exclude(paper_url=""):
        arxiv_id = arxiv_id_in_url(result.paper_url)
        paper = papers.get(("arxiv", arxiv_id)) if arxiv_id else papers.get(("url", result.paper_url))
        if paper is not None:
            result.paper = paper
            result.save(update_fields=["paper"])


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0006_add_ratings'),
    ]

    operations = [
        migrations.CreateModel(
            name='Task',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True)),
                ('slug', models.SlugField(max_length=200, unique=True)),
                ('description', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Paper',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=500)),
                ('authors', models.JSONField(default=list, help_text="The authors' names, in the paper's order.")),
                ('abstract', models.TextField(blank=True)),
                ('published_on', models.DateField(blank=True, null=True)),
                ('venue', models.CharField(blank=True, help_text="Proceedings or journal, e.g. 'NeurIPS 2021'.", max_length=200)),
                ('arxiv_id', models.CharField(blank=True, help_text='e.g. 2106.01345', max_length=30)),
                ('doi', models.CharField(blank=True, help_text='Lower case, without https://doi.org/.', max_length=200)),
                ('url', models.URLField(blank=True, help_text='Where to read it when it has no arXiv id.', max_length=500)),
                ('pwc_url', models.CharField(blank=True, help_text='Its Papers With Code address, kept to match re-imports.', max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['-published_on', 'title', 'pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('arxiv_id', ''), _negated=True), fields=('arxiv_id',), name='one_paper_per_arxiv_id'), models.UniqueConstraint(condition=models.Q(('doi', ''), _negated=True), fields=('doi',), name='one_paper_per_doi')],
            },
        ),
        migrations.AddField(
            model_name='importedresult',
            name='paper',
            field=models.ForeignKey(blank=True, help_text='The paper its paper_url names, once Podium knows it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imported_results', to='community.paper'),
        ),
        migrations.AddField(
            model_name='writeup',
            name='paper',
            field=models.ForeignKey(blank=True, help_text='The paper record its arXiv id, DOI or paper URL names (found or created when it is saved).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='writeups', to='community.paper'),
        ),
        migrations.AddField(
            model_name='benchmark',
            name='task_ref',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='community.task'),
        ),
        migrations.RunPython(tasks_from_names, names_from_tasks),
        migrations.RemoveField(model_name='benchmark', name='task'),
        migrations.RenameField(model_name='benchmark', old_name='task_ref', new_name='task'),
        migrations.AlterField(
            model_name='benchmark',
            name='task',
            field=models.ForeignKey(help_text="The task it measures, as Papers With Code names it, e.g. 'Image Classification'.", on_delete=django.db.models.deletion.PROTECT, related_name='benchmarks', to='community.task'),
        ),
        migrations.CreateModel(
            name='PaperImplementation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('repository_url', models.URLField(max_length=500)),
                ('framework', models.CharField(blank=True, help_text='e.g. pytorch, tf, jax', max_length=60)),
                ('is_official', models.BooleanField(default=False, help_text="Written by the paper's authors.")),
                ('mentioned_in_paper', models.BooleanField(default=False)),
                ('mentioned_in_github', models.BooleanField(default=False)),
                ('added_at', models.DateTimeField(auto_now_add=True)),
                ('paper', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='implementations', to='community.paper')),
            ],
            options={
                'ordering': ['-is_official', 'repository_url', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('paper', 'repository_url'), name='one_row_per_paper_repository')],
            },
        ),
        migrations.RunPython(papers_from_writeups, migrations.RunPython.noop),
    ]
