"""The public verdict among the list's filters in the full-text index ("V<verdict>" in
`SearchDocument.filters`), so that a search filtered by verdict is answered from the
index: the documents' filters are derived again from their cases."""

from django.db import migrations

from minjian.search.indexing import fill_derived_columns


def forward(apps, schema_editor) -> None:
    fill_derived_columns()


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_filters_in_the_index"),
        ("cases", "0012_similarity_verdicts_duplicates"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
