"""One lock for PDFium in a process.

PDFium is not thread-safe: no two threads may call into it at once, not even on
different documents (pypdfium2's documentation says so). The service renders page
images and annotated PDFs and checks uploads in the threads of its request pool,
and a run over several reports reads them in threads: every use of PDFium holds
this lock from opening a document to closing it, so such calls take turns.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
