"""The follow-up plan's form: if-then actions, a follow-up date and an optional
reminder address. (The "did you do it?" ticks are read in views.ticks.)"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from assessment.followup import (
    DEFAULT_FOLLOW_UP_DAYS,
    FOLLOW_UP_DAYS,
    MAX_PLAN_ACTIONS,
    on_a_weekday,
)

from ..common.forms import sendable_address

MAX_TEXT = 300
LATEST_FOLLOW_UP_DAYS = 366


class ActionForm(Form):
    scale_id = SelectField(_l("Behaviour or driver"), validate_choice=True, choices=[])
    situation = StringField(_l("When …"), validators=[Optional(), Length(max=MAX_TEXT)],
                            description=_l("The situation, e.g. “a meeting is about to end without a next step”"))
    step = StringField(_l("I will …"), validators=[Optional(), Length(max=MAX_TEXT)],
                       description=_l("What you'll do, e.g. “suggest a date before we hang up”. Pick a suggestion or put it in your own words."))


class PlanForm(FlaskForm):
    actions = FieldList(FormField(ActionForm), min_entries=MAX_PLAN_ACTIONS, max_entries=MAX_PLAN_ACTIONS)
    follow_up = RadioField(
        _l("Follow up in"),
        choices=[SelectChoice(str(d), _l("%(days)s days", days=d)) for d in FOLLOW_UP_DAYS]
        + [SelectChoice("date", _l("On a date I choose"))],
        default=str(DEFAULT_FOLLOW_UP_DAYS),
    )
    follow_up_on = DateField(_l("Follow-up date"), validators=[Optional()],
                             description=_l("Only if you chose “On a date I choose”."))
    email = StringField(
        _l("E-mail for one reminder (optional)"),
        validators=[Optional(), Length(max=254), sendable_address],
        description=_l("On the follow-up date we'll send you one reminder with a link to take the "
                       "questionnaire again. We keep the address only until that reminder has gone "
                       "out or you delete your answers, and use it for nothing else. Leave it empty "
                       "if you don't want an e-mail."),
    )

    def set_behaviours(self, behaviours: list[tuple[str, str]]) -> None:
        for entry in self.actions:
            entry.form.scale_id.choices = [SelectChoice("", _("Choose one (optional)"))] + [
                SelectChoice(value, label) for value, label in behaviours
            ]

    def plan_errors(self, today: date, retention_days: int) -> list[tuple[str, str]]:
        """Problems the field validators cannot see, as (field id, message); after validate()."""
        errors: list[tuple[str, str]] = []

        def problem(field, message, first=False):
            field.errors = [*field.errors, message]
            target = f"{field.id}-0" if field.type == "RadioField" else field.id
            errors.insert(0, (target, message)) if first else errors.append((target, message))

        used = 0
        for number, entry in enumerate(self.actions, 1):
            situation, step = (entry.form.situation.data or "").strip(), (entry.form.step.data or "").strip()
            if situation or step:
                used += 1
            if situation and not step:
                problem(entry.form.step, _("Action %(n)s: write what you'll do.", n=number))
            if step and not situation:
                problem(entry.form.situation, _("Action %(n)s: write when you'll do it.", n=number))
        if used == 0:
            problem(self.actions[0].form.situation, _("Write at least one action: when, and what you'll do."), first=True)
        chosen = self.follow_up_date(today)
        # Saving the plan counts as a change, so retention keeps it for retention_days from today;
        # a later follow-up date would be deleted, reminder and all, before it comes.
        latest = today + timedelta(days=min(LATEST_FOLLOW_UP_DAYS, retention_days - 1))
        if self.follow_up.data == "date":
            if self.follow_up_on.data is None:
                problem(self.follow_up_on, _("Enter the follow-up date, e.g. %(example)s.",
                                             example=(today + timedelta(days=30)).isoformat()))
            elif chosen <= today:
                problem(self.follow_up_on, _("The follow-up date must be after today."))
            elif chosen > latest:
                problem(self.follow_up_on, _(
                    "The follow-up date can be %(latest)s at the latest: we delete answers %(days)s days after your last change.",
                    latest=latest.isoformat(), days=retention_days))
        elif chosen > latest:
            problem(self.follow_up, _(
                "The follow-up date can be %(latest)s at the latest: we delete answers %(days)s days after your last change.",
                latest=latest.isoformat(), days=retention_days))
        return errors

    def follow_up_date(self, today: date) -> date | None:
        """The chosen day, moved to the next weekday (issue 27 §6)."""
        if self.follow_up.data == "date":
            return on_a_weekday(self.follow_up_on.data) if self.follow_up_on.data else None
        return on_a_weekday(today + timedelta(days=int(self.follow_up.data)))

    def show_dates(self, today: date, format_day) -> None:
        """Each "in N days" choice with the weekday it falls on, beside it."""
        self.follow_up.choices = [
            SelectChoice(str(d), _("%(days)s days: %(date)s", days=d, date=format_day(on_a_weekday(today + timedelta(days=d)))))
            for d in FOLLOW_UP_DAYS
        ] + [SelectChoice("date", _("On a date I choose"))]

    def field_names(self) -> set[str]:
        """Every name this form posts (its actions' subfields included)."""
        return ({"csrf_token", self.follow_up.name, self.follow_up_on.name, self.email.name}
                | {field.name for entry in self.actions for field in entry.form})

    def all_errors(self) -> list[tuple[str, str]]:
        """Field validator messages as (field id, message)."""
        found = []
        for number, entry in enumerate(self.actions, 1):
            for field in entry.form:
                found += [(field.id, _("Action %(n)s", n=number) + f", {field.label.text} {m}") for m in field.errors]
        if self.follow_up_on.errors:
            # WTForms' own message does not say which form a date takes.
            self.follow_up_on.errors = [_("The follow-up date isn't a date; write it like this: %(example)s.", example="2027-01-31")]
        for field in (self.follow_up, self.follow_up_on, self.email):
            target = f"{field.id}-0" if field.type == "RadioField" else field.id
            found += [(target, m) for m in field.errors]
        return found
