"""cerite: open, verified hardware IP for AI-datacenter systems (see README.md)."""

__version__ = "0.1.0"
