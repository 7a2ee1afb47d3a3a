# Every report writes every index of a case and of its events: six of them repeated what
# another index already finds (a column with its LIKE twin, a column another begins with).


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_tally_shards"),
        ("orgs", "0003_membership_verifier"),
        ("places", "0003_one_index_for_the_box"),
        ("topics", "0002_default_topics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="receipt_digest",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="case",
            name="state",
            field=models.CharField(
                choices=[
                    ("submitted", "submitted"),
                    ("published", "published"),
                    ("acknowledged", "acknowledged"),
                    ("in_progress", "in progress"),
                    ("resolved", "resolved"),
                    ("closed", "closed"),
                    ("hidden", "hidden"),
                ],
                default="submitted",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="verdict",
            field=models.CharField(
                choices=[
                    ("unverified", "unverified"),
                    ("checking", "being checked"),
                    ("corroborated", "corroborated"),
                    ("disputed", "disputed"),
                    ("false", "false"),
                    ("not_a_claim", "not a claim"),
                ],
                default="unverified",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="cases.case",
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="organisation",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case_events",
                to="orgs.organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["receipt_digest"], name="case_receipt_digest"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["verdict"], name="case_verdict"),
        ),
    ]
