"""Report production: `store` (files on disk), `production` (making PDFs and
ZIPs), `queue` (where the work runs). The worker's entry points are in
worker.py, the HTTP replies in web/downloads.py. Deleting a person's data goes
through services.personal_data, which uses `store` and `queue`."""
