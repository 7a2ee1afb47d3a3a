"""The project's own tools: lint checks, translations, service probes."""
