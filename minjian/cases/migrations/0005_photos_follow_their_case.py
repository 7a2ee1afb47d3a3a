# Photos get an unguessable key, and their files move from names anyone could count
# ("cases/2026/11/case-12-0.jpg") to names made from that key.

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models

import minjian.cases.models


def _new_key() -> str:
    return secrets.token_urlsafe(16)


def give_keys_and_move_files(apps, schema_editor):
    CasePhoto = apps.get_model("cases", "CasePhoto")
    for photo in CasePhoto.objects.all().iterator():
        photo.key = _new_key()
        moved = []
        for field, suffix in (("image", ".jpg"), ("thumbnail", ".thumb.jpg")):
            old = getattr(photo, field).name
            if not old or not default_storage.exists(old):
                continue
            with default_storage.open(old, "rb") as stored:
                new = default_storage.save(f"photos/{photo.key}{suffix}", ContentFile(stored.read()))
            setattr(photo, field, new)
            moved.append(old)
        photo.save(update_fields=["key", "image", "thumbnail"])
        for old in moved:
            default_storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_organisation_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="casephoto",
            name="key",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(give_keys_and_move_files, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casephoto",
            name="key",
            field=models.CharField(
                default=minjian.cases.models.new_photo_key,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="casephoto",
            name="status",
            field=models.CharField(
                choices=[
                    ("preparing", "being prepared"),
                    ("ready", "ready"),
                    ("failed", "could not be read"),
                ],
                default="ready",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="casephoto",
            name="upload",
            field=models.FileField(blank=True, upload_to=""),
        ),
        migrations.AlterField(
            model_name="casephoto",
            name="image",
            field=models.ImageField(blank=True, upload_to=""),
        ),
        migrations.AlterField(
            model_name="casephoto",
            name="thumbnail",
            field=models.ImageField(blank=True, upload_to=""),
        ),
        migrations.AddField(
            model_name="casephoto",
            name="blur_faces",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="casephoto",
            name="blur_boxes",
            field=models.CharField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name="casephoto",
            name="faces_blurred",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
