"""The list's filters in the full-text index, so that a search with filters is answered
from the index alone, the most recently reported matches first.

Both engines: `filters` on the documents, derived from the cases
(`minjian.search.indexing.fill_derived_columns`). SQLite: the FTS5 table gets a
fourth column, `filters`. PostgreSQL: with the RUM extension (Debian's
`postgresql-15-rum`), a RUM index on `vector` that keeps the case's id beside each
match replaces the GIN index, so that the most recent matches are read from the index
in order; where the extension cannot be created (not installed, or a database user
that may not create it), the GIN index stays and the same searches give the same
results, sorting the matches instead (docs/benchmarks.md, "Full-text search").
"""

from django.db import migrations, models

from minjian.search.indexing import fill_derived_columns

FTS_COLUMNS = "title, description, updates, filters"
FTS_COLUMNS_BEFORE = "title, description, updates"


def _sqlite_fts(columns: str) -> list[str]:
    values = ", ".join(f"new.{column.strip()}" for column in columns.split(","))
    old_values = ", ".join(f"old.{column.strip()}" for column in columns.split(","))
    return [
        "DROP TRIGGER IF EXISTS search_fts_update",
        "DROP TRIGGER IF EXISTS search_fts_delete",
        "DROP TRIGGER IF EXISTS search_fts_insert",
        "DROP TABLE IF EXISTS search_fts",
        f"""
        CREATE VIRTUAL TABLE search_fts USING fts5(
            {columns},
            content='search_searchdocument', content_rowid='case_id',
            tokenize='unicode61 remove_diacritics 0'
        )
        """,
        f"""
        CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
            INSERT INTO search_fts(rowid, {columns}) VALUES (new.case_id, {values});
        END
        """,
        f"""
        CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns})
            VALUES ('delete', old.case_id, {old_values});
        END
        """,
        f"""
        CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns})
            VALUES ('delete', old.case_id, {old_values});
            INSERT INTO search_fts(rowid, {columns}) VALUES (new.case_id, {values});
        END
        """,
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


RUM_INDEX = (
    "CREATE INDEX search_document_vector ON search_searchdocument"
    " USING rum (vector rum_tsvector_addon_ops, case_id)"
    " WITH (attach = 'case_id', to = 'vector')"
)
GIN_INDEX = "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)"


def _rum_created(schema_editor) -> bool:
    """Whether the RUM extension is there now, created if it was not and may be."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SAVEPOINT search_rum")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except Exception:  # noqa: BLE001  # not allowed to: the GIN index stays
            cursor.execute("ROLLBACK TO SAVEPOINT search_rum")
            return False
        cursor.execute("RELEASE SAVEPOINT search_rum")
        return True


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    fill_derived_columns()
    if vendor == "sqlite":
        for statement in _sqlite_fts(FTS_COLUMNS):
            schema_editor.execute(statement)
    elif vendor == "postgresql" and _rum_created(schema_editor):
        schema_editor.execute("DROP INDEX IF EXISTS search_document_vector")
        schema_editor.execute(RUM_INDEX)


def backward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in _sqlite_fts(FTS_COLUMNS_BEFORE):
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_vector")
        schema_editor.execute(GIN_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_full_text_index"),
        ("cases", "0004_organisation_events"),
        ("places", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="filters",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
