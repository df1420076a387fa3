"""The web layer, HTTP only: blueprints, forms, error pages, request checks,
template helpers and the HTTP side of downloads. What the app does with stored
data is in services/; the domain in assessment/, reports in reports/."""
