from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_similarity_verdicts_duplicates"),
    ]

    operations = [
        migrations.AddField(
            model_name="casephoto",
            name="held",
            field=models.BooleanField(default=False),
        ),
    ]
