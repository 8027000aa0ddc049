"""site-gen: a static website generator for an academic author's publications."""

__version__ = "0.1.0"
