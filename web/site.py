"""Pages that belong to no feature: privacy notice, plotly.js, health check."""

from __future__ import annotations

from babel import Locale
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    send_from_directory,
)
from flask_babel import gettext as _
from flask_login import login_required

from assessment.team import MEDIAN_STEP
from reports import charts, plotly_js
from services.db import database_answers
from services.filenames import file_name
from services.followup.confirmations import CONFIRM_DAYS
from services.followup.reminders import MAX_ATTEMPTS as REMINDER_ATTEMPTS
from services.instruments import instrument_bank
from services.reporting.production import technical_note_pdf
from services.research import (
    DATA_RELIABILITY_MIN_N,
    PUBLISH_STEP,
    latest_item_analysis,
    norms_summary,
)

from .common.compressed import send_public_file
from .common.limits import heavy_pages
from .extensions import public_file
from .language import current_language

bp = Blueprint("site", __name__)

@bp.get("/privacy")
def privacy():
    return render_template("site/privacy.html", retention_days=current_app.config["RETENTION_DAYS"],
                           min_group=current_app.config["ANONYMOUS_MIN_GROUP"], median_step=MEDIAN_STEP,
                           zip_hours=f"{current_app.config['ZIP_RETENTION_HOURS']:g}",
                           reminder_attempts=REMINDER_ATTEMPTS, retake_link_days=current_app.config["RETAKE_LINK_DAYS"],
                           confirm_days=CONFIRM_DAYS, operator=_operator())


def _operator() -> dict:
    config = current_app.config
    return {"name": config["OPERATOR_NAME"], "email": config["OPERATOR_EMAIL"], "address": config["OPERATOR_ADDRESS"],
            "processors": config["OPERATOR_PROCESSORS"], "authority": config["OPERATOR_SUPERVISORY_AUTHORITY"]}


@bp.get("/about")
def about():
    bank = instrument_bank()
    versions = sorted({version for (_id, version) in bank.instruments}, key=lambda v: (len(v), v))
    return render_template("site/about.html", operator=_operator(), versions=versions,
                           current_version=bank.current.version)


@bp.get("/accessibility")
def accessibility():
    return render_template("site/accessibility.html", operator=_operator())


@bp.get("/favicon.ico")
@public_file
def favicon():
    # Browsers and bookmark tools ask for this path whatever the page says.
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=86400)


@bp.get(f"/vendor/plotly-cartesian-{plotly_js.VERSION}.min.js")
@public_file
def plotly_js_bundle():
    # The bundle the PDFs' charts are drawn with too (reports/plotly_js.py), from this server:
    # no CDN, so the app works offline. Its release is in its address, so a page never meets a
    # cached script of another release. Gzip-compressed for a browser that accepts it: a third
    # of the 1.5 MB.
    return send_public_file(plotly_js.BUNDLE, max_age=86400)


@bp.get("/about/measurement")
@heavy_pages
def measurement():
    """What the stored, consenting answers show about the current version:
    aggregates from the cached `flask item-analysis` run, never about fewer than
    MIN_N people and never about one person."""
    instrument = instrument_bank().current
    language = current_language()
    analysis = latest_item_analysis(instrument)
    names = {s.id: s.name[language] for s in instrument.scales}
    item_texts = {item.id: item.text[language] for item in instrument.items}
    flag_names = {
        "straight_lining": _("The same answer to very many questions"),
        "too_fast": _("Answered very fast"),
        "impression_management_high": _("A very favourable picture of oneself"),
        "inconsistent": _("Answers that contradict each other"),
    }
    shown = [s for s in (analysis or {}).get("scales", []) if not s["withheld"]]
    chart = (
        charts.to_json(charts.score_distribution_chart([(names[s["id"]], s["distribution"]) for s in shown], language))
        if shown else None
    )
    return render_template(
        "site/measurement.html", instrument=instrument, analysis=analysis, names=names, shown=shown,
        item_texts=item_texts, flag_names=flag_names,
        chart=chart, norms=norms_summary(instrument), data_min_n=DATA_RELIABILITY_MIN_N, publish_step=PUBLISH_STEP,
        language_names={code: Locale.parse(code).get_display_name(language) for code in instrument.languages},
    )


@bp.get("/about/measurement/technical-note.pdf")
@login_required
def technical_note():
    """The measurement page as a PDF, for coaches."""
    instrument = instrument_bank().current
    analysis = latest_item_analysis(instrument)
    if analysis is None:
        abort(404, description=_("No figures have been computed for this version yet."))
    pdf = technical_note_pdf(analysis, instrument, current_language())
    name = file_name(current_language(), "technical note", f"v{instrument.version}", ext="pdf")
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/healthz")
def health():
    database_answers()
    return {"status": "ok"}
