"""A coach's workshops: views.py (create, team view, downloads, paper mode) and
present.py (the presenter view) add their routes to blueprint.bp."""
