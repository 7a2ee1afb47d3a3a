# The map's tallies of a cell in up to eight rows (cases.tallies.TALLY_SHARDS), as the
# other tallies (0018): existing rows are shard 0.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0019_fewer_indexes_written_by_a_report"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="casemaptally",
            name="case_map_tally_one_row_per_cell",
        ),
        migrations.AddField(
            model_name="casemaptally",
            name="shard",
            field=models.PositiveSmallIntegerField(default=0, db_default=0),
        ),
        migrations.AddConstraint(
            model_name="casemaptally",
            constraint=models.UniqueConstraint(
                fields=("topic_id", "state", "cell_x", "cell_y", "shard"),
                name="case_map_tally_one_row_per_cell_shard",
            ),
        ),
    ]
