"""Rule families, one module each: ``table``, ``cross_table``, ``narrative``, ``form``, ``editorial``,
``project`` (``budget`` holds budget-only rules of the ``cross_table`` family).

Every :class:`~extractor.reconcile.engine.Rule` defined at module level here is
found by :func:`~extractor.reconcile.engine.registry`; a new module is a new family
(its name must be listed in ``engine.FAMILIES``).
"""
