# A case hidden as a duplicate names the case it repeats (its tombstone links there).
# A small copy of each photo for the lists (photos.SMALL_SIDE), made for the photos
# prepared before it existed from their thumbnail. A photo whose thumbnail cannot be
# read keeps none: its small address answers with the thumbnail (CasePhoto.stored_name).

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
import django.db.models.deletion
from django.db import migrations, models
from PIL import Image

from minjian.cases.photos import small_jpeg

logger = logging.getLogger(__name__)


def make_small_copies(apps, schema_editor):
    CasePhoto = apps.get_model("cases", "CasePhoto")
    for photo in CasePhoto.objects.filter(status="ready", small="").iterator():
        thumbnail = photo.thumbnail.name
        try:
            with default_storage.open(thumbnail, "rb") as stored, Image.open(stored) as picture:
                small = small_jpeg(picture)
        except (OSError, ValueError) as error:
            logger.warning("No small copy of photo %s: %s", photo.pk, error)
            continue
        photo.small = default_storage.save(f"photos/{photo.key}.small.jpg", ContentFile(small))
        photo.save(update_fields=["small"])


def remove_small_copies(apps, schema_editor):
    CasePhoto = apps.get_model("cases", "CasePhoto")
    for photo in CasePhoto.objects.exclude(small="").iterator():
        default_storage.delete(photo.small.name)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_photos_follow_their_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="casephoto",
            name="small",
            field=models.ImageField(blank=True, upload_to=""),
        ),
        migrations.RunPython(make_small_copies, remove_small_copies),
        migrations.AddField(
            model_name="case",
            name="duplicate_of",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="cases.case",
            ),
        ),
    ]
