"""A drive's title in Chinese and in English, and each item's minimum allocation line.

An existing title moves to `title_zh` when it holds a Chinese character, else to
`title_en`; either can be completed by hand afterwards.
"""

import re

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def split_titles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    drive_model = apps.get_model("aid", "Drive")
    for drive in drive_model.objects.all():
        if HAN.search(drive.title):
            drive.title_zh = drive.title
        else:
            drive.title_en = drive.title
        drive.save(update_fields=["title_zh", "title_en"])


def join_titles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    drive_model = apps.get_model("aid", "Drive")
    for drive in drive_model.objects.all():
        drive.title = drive.title_zh or drive.title_en
        drive.save(update_fields=["title"])


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="drive",
            name="title_en",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="drive",
            name="title_zh",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(split_titles, join_titles),
        migrations.RemoveField(
            model_name="drive",
            name="title",
        ),
        migrations.AddConstraint(
            model_name="drive",
            constraint=models.CheckConstraint(
                condition=models.Q(("title_en", ""), ("title_zh", ""), _negated=True),
                name="drive_has_a_title",
            ),
        ),
        migrations.AddField(
            model_name="item",
            name="min_line_quantity",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddConstraint(
            model_name="item",
            constraint=models.CheckConstraint(
                condition=models.Q(("min_line_quantity__gt", 0)), name="item_min_line_positive"
            ),
        ),
    ]
