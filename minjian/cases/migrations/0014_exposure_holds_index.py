from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_witness_photos_held"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(("payload__has_key", "exposes_person")),
                fields=["created_at"],
                name="caseevent_exposes_person",
            ),
        ),
    ]
