"""Each fingerprint keeps its text's number of shingles, and a case's buckets are 40
bands instead of 20 (`cases.similarity`): every fingerprint and bucket is made again
from the stored texts, as `manage.py rebuild_similarity` would."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

from minjian.cases import similarity

# Case.PUBLIC_STATES when this migration was written.
PUBLIC_STATES = ("published", "acknowledged", "in_progress", "resolved", "closed")
BATCH = 2_000


def index_again(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    case_model = apps.get_model("cases", "Case")
    fingerprint_model = apps.get_model("cases", "CaseFingerprint")
    bucket_model = apps.get_model("cases", "CaseLshBucket")
    bucket_model.objects.all().delete()
    fingerprint_model.objects.all().delete()
    now = timezone.now()
    after = 0
    while batch := list(
        case_model.objects.filter(state__in=PUBLIC_STATES, id__gt=after)
        .order_by("id")
        .values_list("id", "title", "description")[:BATCH]
    ):
        made = [
            (case_id, similarity.fingerprint(title, description))
            for case_id, title, description in batch
        ]
        fingerprint_model.objects.bulk_create(
            fingerprint_model(
                case_id=case_id,
                signature=similarity.to_bytes(printed.signature),
                shingle_count=printed.size,
                updated_at=now,
            )
            for case_id, printed in made
        )
        bucket_model.objects.bulk_create(
            bucket_model(bucket=bucket, case_id=case_id)
            for case_id, printed in made
            for bucket in similarity.buckets(printed.signature)
        )
        after = batch[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_lsh_bucket_with_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="casefingerprint",
            name="shingle_count",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(index_again, migrations.RunPython.noop, elidable=True),
    ]
