"""Importers: other formats into paper YAML under content/papers/."""
