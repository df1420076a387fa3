"""Storing a person's plan and reminder, and turning rows into the domain's
Plan. Both hang off the response (ON DELETE CASCADE), so deleting the response
deletes them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from assessment import followup
from services.db import db
from services.followup import confirmations
from services.models import PlanActionRow, PlanRow, Reminder, Response, utcnow


def plan_row(response: Response) -> PlanRow | None:
    return db.session.get(PlanRow, response.id)


def reminder_of(response: Response) -> Reminder | None:
    return db.session.get(Reminder, response.id)


def as_plan(row: PlanRow | None) -> followup.Plan | None:
    if row is None:
        return None
    return followup.Plan(
        actions=tuple(followup.PlanAction(a.situation, a.step, a.scale_id, a.done) for a in row.actions),
        follow_up_on=row.follow_up_on,
    )


def plan_of(response: Response) -> followup.Plan | None:
    return as_plan(plan_row(response))


class TooManyAddresses(ValueError):
    """The plan has had confirmation e-mails sent to MAX_CONFIRMATION_MAILS addresses already."""


def needs_confirmation(response: Response, email: str | None) -> bool:
    """Saving this address would send a confirmation e-mail (a new address)."""
    reminder = reminder_of(response)
    return bool(email) and (reminder is None or reminder.email != email)


def save_plan(response: Response, actions: list[followup.PlanAction], follow_up_on: date,
              email: str | None, language: str) -> PlanRow:
    """Replace the plan (and the reminder) of a response in one transaction. A new address
    starts unconfirmed (it gets its confirmation e-mail once committed: reminders.deliver_confirmation);
    TooManyAddresses when the plan has used its confirmation e-mails. Commits."""
    _changed(response)
    row = plan_row(response)
    if row is None:
        row = PlanRow(response_id=response.id, follow_up_on=follow_up_on, revision=1, confirmation_mails=0)
        db.session.add(row)
    else:
        row.follow_up_on = follow_up_on
        row.revision += 1
        db.session.execute(delete(PlanActionRow).where(PlanActionRow.response_id == response.id))
    db.session.flush()
    for position, action in enumerate(actions, 1):
        db.session.add(PlanActionRow(response_id=response.id, position=position, scale_id=action.scale_id,
                                  situation=action.situation, step=action.step))
    reminder = reminder_of(response)
    if email:
        new_address = needs_confirmation(response, email)
        if new_address and row.confirmation_mails >= confirmations.MAX_CONFIRMATION_MAILS:
            db.session.rollback()  # nothing of this plan is kept: the saved one stays
            raise TooManyAddresses()
        if reminder is None:
            reminder = Reminder(response_id=response.id, attempts=0)
            db.session.add(reminder)
        if confirmations.set_address(reminder, email):
            row.confirmation_mails += 1
            reminder.attempts, reminder.last_error = 0, None
        reminder.language, reminder.due_on = language, follow_up_on
    elif reminder is not None:
        db.session.delete(reminder)
    db.session.commit()
    db.session.expire(row, ["actions"])
    return row


def tick(response: Response, done: dict[int, bool]) -> None:
    """Store "did you do it?" per action position. Commits."""
    _changed(response)
    for action in db.session.scalars(select(PlanActionRow).where(PlanActionRow.response_id == response.id)):
        if action.position in done:
            action.done = done[action.position]
    db.session.commit()


def _changed(response: Response) -> None:
    # A plan or a tick is the person's change too: retention ("at most N days
    # after your last change", services/personal_data.purge) counts from it.
    response.updated_at = utcnow()
