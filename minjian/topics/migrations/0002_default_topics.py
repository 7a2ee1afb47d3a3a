from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from minjian.topics.catalogue import DEFAULT_TOPICS


def add_default_topics(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    topic_model = apps.get_model("topics", "Topic")
    for position, (slug, name_zh, name_en) in enumerate(DEFAULT_TOPICS):
        topic_model.objects.update_or_create(
            slug=slug, defaults={"name_zh": name_zh, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("topics", "0001_initial")]
    operations = [migrations.RunPython(add_default_topics, migrations.RunPython.noop)]
