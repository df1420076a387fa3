"""Only an alias left for one release: report jobs queued before the layers move
name web.reporting.worker.*; the report production itself is in services/reporting/."""
