"""The HTTP service: FastAPI app (``extractor.service.app.create_app``), SQL
store, job worker, API keys, exports, and the batch state of ``extractor batch``.

It imports the core; the core never imports it. Nothing is imported here, so
the CLI's key and batch commands do not load FastAPI.
"""
