"""Pages that belong to no feature: privacy notice, plotly.js, health check."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import Blueprint, current_app, render_template, send_from_directory
from sqlalchemy import text

from assessment.team import MEDIAN_STEP

from .extensions import db

bp = Blueprint("site", __name__)

PLOTLY_JS_DIR = Path(plotly.__file__).parent / "package_data"


@bp.get("/privacy")
def privacy():
    return render_template("site/privacy.html", retention_days=current_app.config["RETENTION_DAYS"],
                           min_group=current_app.config["ANONYMOUS_MIN_GROUP"], median_step=MEDIAN_STEP)


@bp.get("/vendor/plotly.min.js")
def plotly_js():
    # Served from the plotly package itself: the same version that built the
    # figures, and no CDN, so the app works offline.
    return send_from_directory(PLOTLY_JS_DIR, "plotly.min.js", max_age=86400)


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
