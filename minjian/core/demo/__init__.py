"""The demo instance that `manage.py load_demo` writes: its content, its photos, its loader."""
