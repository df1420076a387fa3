"""Report production: `store` (files on disk), `production` (making PDFs and
ZIPs), `queue` (where the work runs), `worker` (RQ entry points),
`downloads` (HTTP replies). Deleting a person's data goes through
web.personal_data, which uses `store` and `queue`."""
