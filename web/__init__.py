"""The thin web layer: blueprints, forms, models and extensions. It calls the
domain (assessment/) and the reports (reports/) and holds no logic of theirs."""
