from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    """The instance's record as files: lossless bundles (export and import) and the signed
    static mirror (HTML and ZIM) that outlive the site."""

    name = "minjian.archive"
    label = "archive"
