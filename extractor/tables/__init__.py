"""Fixed tables: detection (公开01–10表, 预算表1–9, unnumbered titles), header
resolution, rows.

``extract_tables(source)`` returns every fixed table a report prints or
announces; ``announced_tables(source)`` only the ids it announces.
"""

from extractor.tables.extract import announced_tables, extract_tables

__all__ = ["announced_tables", "extract_tables"]
