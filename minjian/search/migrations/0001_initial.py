import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0004_organisation_events"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("title", models.TextField()),
                ("description", models.TextField()),
                ("updates", models.TextField(blank=True)),
                ("update_notes", models.JSONField(blank=True, default=list)),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                ("indexed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
    ]
