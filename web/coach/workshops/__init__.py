"""A coach's workshops, one module per job, each adding its routes to blueprint.bp:
views.py (the list, creating one, its page, follow-up sessions, sharing), downloads.py
(PDFs, ZIP, CSV, xlsx), paper.py (paper mode) and present.py (the presenter view)."""
