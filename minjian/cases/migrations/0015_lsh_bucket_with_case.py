from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_exposure_holds_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="caselshbucket", name="case_lsh_bucket"),
        migrations.AddIndex(
            model_name="caselshbucket",
            index=models.Index(fields=["bucket", "case"], name="case_lsh_bucket_case"),
        ),
    ]
