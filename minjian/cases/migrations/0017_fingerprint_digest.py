"""Each fingerprint keeps a 64-bit digest of its signature, indexed: a text copied word
for word by many reports is found in one indexed range (`selectors_similar`)."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from minjian.cases import similarity

BATCH = 5_000
# `similarity.digest` in SQL: the first 8 bytes of the signature's SHA-256, signed.
POSTGRESQL_DIGEST = "('x' || left(encode(sha256(signature), 'hex'), 16))::bit(64)::bigint"


def fill_digests(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    fingerprint_model = apps.get_model("cases", "CaseFingerprint")
    table = fingerprint_model._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"UPDATE {table} SET digest = {POSTGRESQL_DIGEST}")  # noqa: S608  # the model's table
        return
    after = 0
    while batch := list(
        fingerprint_model.objects.filter(case_id__gt=after)
        .order_by("case_id")
        .values_list("case_id", "signature")[:BATCH]
    ):
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET digest = %s WHERE case_id = %s",  # noqa: S608  # the model's table
                [
                    (similarity.digest(similarity.from_bytes(signature)), case_id)
                    for case_id, signature in batch
                ],
            )
        after = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_fingerprint_shingle_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="casefingerprint",
            name="digest",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="casefingerprint",
            index=models.Index(fields=["digest", "case"], name="case_fingerprint_digest"),
        ),
    ]
