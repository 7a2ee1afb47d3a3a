# The tallies of a scope in up to eight rows (cases.tallies.TALLY_SHARDS): existing rows are shard 0.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_fingerprint_digest"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="casetally",
            name="case_tally_one_row_per_scope",
        ),
        migrations.AddField(
            model_name="casetally",
            name="shard",
            field=models.PositiveSmallIntegerField(default=0, db_default=0),
        ),
        migrations.AddConstraint(
            model_name="casetally",
            constraint=models.UniqueConstraint(
                fields=("topic_id", "region_id", "state", "shard"),
                name="case_tally_one_row_per_scope_shard",
            ),
        ),
    ]
