"""backcare: a local self-care companion for lower back pain."""

__version__ = "0.1.0"
