"""The demo instance that `manage.py load_demo` writes: its content, its drawn photos, the
routing and aid stories, and the loader that writes them all through the services."""
