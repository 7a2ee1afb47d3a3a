"""The database's own full-text index over the search documents, one per engine.

PostgreSQL: a GIN index on `vector`. SQLite: an FTS5 table over the terms, with
the search documents as its external content and triggers that keep it in step
with every insert, update and delete. The terms are already segmented and folded,
so both engines only split them at spaces: FTS5's unicode61 tokenizer without
diacritic removal, and PostgreSQL's 'simple' configuration.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS search_document_vector"]

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, description, updates,
        content='search_searchdocument', content_rowid='case_id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, title, description, updates)
        VALUES (new.case_id, new.title, new.description, new.updates);
    END
    """,
    """
    CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, description, updates)
        VALUES ('delete', old.case_id, old.title, old.description, old.updates);
    END
    """,
    """
    CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, description, updates)
        VALUES ('delete', old.case_id, old.title, old.description, old.updates);
        INSERT INTO search_fts(rowid, title, description, updates)
        VALUES (new.case_id, new.title, new.description, new.updates);
    END
    """,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
