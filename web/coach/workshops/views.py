"""A coach's workshops: the list, creating one, its page with the live team view,
follow-up sessions, closing, deleting and sharing with co-facilitators. Downloads are in
downloads.py, paper mode in paper.py, the presenter in present.py (a participant joins
through web/join). Every route loads the workshop through owned_workshop() (its owner and
co-facilitators; 404 for anyone else) or, for deleting and sharing, owner_workshop() (403
for a co-facilitator)."""

from __future__ import annotations

import io

import segno
from flask import Response as HttpResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from reports import charts
from services.followup.teams import (
    before_after,
    create_follow_up,
    earlier_session,
    follow_ups_of,
)
from services.models import Workshop
from services.personal_data import delete_workshop
from services.reporting import queue as report_queue
from services.workshops import (
    SharingError,
    co_facilitators,
    create_workshop,
    set_closed,
    share_workshop,
    team_of,
    unshare_workshop,
    workshops_of,
)
from web.downloads import (
    job_error_text,
)
from web.extensions import limiter

from ...common.forms import ConfirmForm
from ...language import current_language
from .blueprint import (
    bp,
    join_url,
    owned_workshop,
    owner_workshop,
    size_words,
    team_chart,
)
from .forms import FollowUpForm, ShareForm, WorkshopForm


@bp.get("/")
@login_required
def index():
    workshops = workshops_of(current_user.id)
    # The counts as the team view shows them: anonymous workshops' the released size.
    language = current_language()
    summaries = {w.id: team_of(w, language)[0] for w in workshops}
    return render_template("coach/workshops/index.html", workshops=sessions_in_order(workshops), summaries=summaries)


def sessions_in_order(workshops: list[Workshop]) -> list[tuple[Workshop, int]]:
    """Each workshop followed by its follow-up sessions (oldest first), with their depth:
    a follow-up sits under the workshop it follows up, not as an unrelated row."""
    listed = {w.id for w in workshops}
    children: dict[int, list[Workshop]] = {}
    for w in workshops:
        if w.follow_up_of_id in listed:
            children.setdefault(w.follow_up_of_id, []).append(w)
    ordered: list[tuple[Workshop, int]] = []

    def add(workshop: Workshop, depth: int) -> None:
        ordered.append((workshop, depth))
        for child in sorted(children.get(workshop.id, []), key=lambda c: (c.held_on, c.id)):
            add(child, depth + 1)

    for w in workshops:
        if w.follow_up_of_id not in listed:
            add(w, 0)
    return ordered


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def create():
    # A new workshop starts in the language the coach is using (they can pick another).
    form = WorkshopForm(language=current_language()) if request.method == "GET" else WorkshopForm()
    form.privacy_mode.description = _(
        "Anonymous: the team's results appear once %(n)s have completed and change only when %(n)s more have, "
        "so that no one person's answers can be told apart. Named: you see the profiles people choose to share.",
        n=current_app.config["ANONYMOUS_MIN_GROUP"])
    if form.validate_on_submit():
        workshop = create_workshop(current_user.id, form.title.data, form.held_on.data, form.language.data,
                                   form.privacy_mode.data)
        return redirect(url_for("workshops.show", workshop_id=workshop.id))
    return render_template("coach/workshops/new.html", form=form), 400 if form.errors else 200


@bp.get("/workshops/<int:workshop_id>")
@login_required
def show(workshop_id: int):
    return _show_page(owned_workshop(workshop_id), FollowUpForm())


def _show_page(workshop: Workshop, follow_up_form: FollowUpForm, share_form: ShareForm | None = None):
    summary, grid = team_of(workshop, current_language())
    owner = workshop.coach_id == current_user.id
    return render_template(
        "coach/workshops/show.html",
        workshop=workshop,
        before_after=(ba := before_after(workshop, current_language(), after=summary)),
        before_after_chart=_before_after_chart(ba, current_language()),
        earlier=earlier_session(workshop),
        follow_ups=follow_ups_of(workshop),
        join_url=join_url(workshop),
        summary=summary,
        grid=grid,
        chart=team_chart(summary, current_language()),
        confirm=ConfirmForm(),
        latest_job=report_queue.latest_job(workshop),
        job_error=job_error_text,
        follow_up_form=follow_up_form,
        is_owner=owner,
        share_form=share_form or ShareForm(),
        co_facilitators=co_facilitators(workshop),
    ), 422 if follow_up_form.errors or (share_form is not None and share_form.errors) else 200


def _before_after_chart(ba, language: str):
    if ba is None or not ba.scales or (ba.before.withheld and ba.after.withheld):
        return None
    return charts.to_json(charts.before_after_chart(ba.scales, ba.before.included, ba.after.included, language))


@bp.post("/workshops/<int:workshop_id>/follow-up")
@login_required
def follow_up(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    if workshop.follow_up_of_id is not None:
        # A follow-up's follow-up would compare with the follow-up, not the first
        # workshop: the page offers none; a later session comes from the first workshop.
        abort(409, description=_("This is already a follow-up session. Create another one from the first workshop."))
    form = FollowUpForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400, description=_("The form was changed on its way to us. Nothing was saved."))
        return _show_page(workshop, form)
    with force_locale(workshop.language):  # the session's name is the room's, not the coach's screen's
        title = _("Follow-up of %(title)s", title=workshop.title)
    later = create_follow_up(workshop, title, form.held_on.data)
    flash(_("The follow-up session is ready. Give the participants its own code."), "success")
    return redirect(url_for("workshops.show", workshop_id=later.id))


@bp.get("/workshops/<int:workshop_id>/team.json")
@login_required
def team_json(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    language = current_language()
    summary, grid = team_of(workshop, language)
    return {
        "summary": summary.to_dict(),
        "size": size_words(summary),
        "chart": team_chart(summary, language),
        "grid": [
            {"id": row.response_id, "name": row.name,
             "scores": {k: {"score": v[0], "band": v[1], "interval": v[2], "near": v[3]} for k, v in row.scores.items()}}
            for row in grid
        ],
        "open": workshop.is_open,
    }


@bp.get("/workshops/<int:workshop_id>/qr.svg")
@login_required
def qr_code(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    buffer = io.BytesIO()
    segno.make(join_url(workshop), error="m").save(
        buffer, kind="svg", scale=8, border=2, title=_("Join %(code)s", code=workshop.join_code), xmldecl=False
    )
    return HttpResponse(buffer.getvalue(), mimetype="image/svg+xml")


@bp.post("/workshops/<int:workshop_id>/close")
@login_required
def close(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    if ConfirmForm().validate():
        set_closed(workshop, True)
        flash(_("The workshop is closed: nobody new can join."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


@bp.post("/workshops/<int:workshop_id>/reopen")
@login_required
def reopen(workshop_id: int):
    workshop = owned_workshop(workshop_id)
    if ConfirmForm().validate():
        set_closed(workshop, False)
        flash(_("The workshop is open again."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id))


@bp.route("/workshops/<int:workshop_id>/delete", methods=["GET", "POST"])
@login_required
def delete(workshop_id: int):
    workshop = owner_workshop(workshop_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        delete_workshop(workshop)
        flash(_("The workshop and all its responses have been deleted."), "success")
        return redirect(url_for("workshops.index"))
    summary = team_of(workshop, current_language())[0]
    return render_template("coach/workshops/delete.html", workshop=workshop, form=form, summary=summary,
                           responses=summary.joined + summary.paper)


@bp.post("/workshops/<int:workshop_id>/share")
@login_required
@limiter.limit("20 per hour")
def share(workshop_id: int):
    workshop = owner_workshop(workshop_id)
    if workshop.follow_up_of_id is not None:
        # Shared with its first workshop, so a co-facilitator never sees a before/after of a session not theirs.
        abort(409, description=_("Sharing is set on the first workshop and covers its follow-up sessions."))
    form = ShareForm()
    if form.validate():
        try:
            coach = share_workshop(workshop, form.email.data)
        except SharingError as exc:
            form.email.errors.append(SHARING_REFUSED[exc.reason])
        else:
            flash(_("Shared with %(email)s.", email=coach.email), "success")
            return redirect(url_for("workshops.show", workshop_id=workshop.id) + "#sharing")
    elif "csrf_token" in form.errors:
        abort(400, description=_("The form was changed on its way to us. Nothing was saved."))
    return _show_page(workshop, FollowUpForm(), form)


# Why a workshop could not be shared (services.workshops.SharingError.reason), as the coach reads it.
SHARING_REFUSED = {
    "no account": _l("There's no coach account with this e-mail here. Whoever runs the site can create one."),
    "own account": _l("That's your own account."),
    "already shared": _l("The workshop is already shared with this coach."),
}


@bp.post("/workshops/<int:workshop_id>/share/<int:coach_id>/remove")
@login_required
def unshare(workshop_id: int, coach_id: int):
    workshop = owner_workshop(workshop_id)
    if not ConfirmForm().validate():
        abort(400, description=_("The form was changed on its way to us. Nothing was saved."))
    if not unshare_workshop(workshop, coach_id):
        abort(404, description=_("This workshop isn't shared with that coach."))
    flash(_("The workshop is no longer shared with that coach."), "success")
    return redirect(url_for("workshops.show", workshop_id=workshop.id) + "#sharing")
