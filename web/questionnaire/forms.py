"""Forms of the self-test. The page form is built per page from the item bank;
its radios carry the item text as legend and the response labels as labels."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from assessment import Instrument
from assessment.instrument import Item

VALID_VALUES = {"1", "2", "3", "4", "5"}
LANGUAGE_CHOICES = [SelectChoice("sv", "Svenska", render_kw={"lang": "sv"}), SelectChoice("en", "English", render_kw={"lang": "en"})]


class StartForm(FlaskForm):
    name = StringField(
        _l("Your name (optional)"),
        validators=[Optional(), Length(max=120)],
        description=_l("Shown on your profile and report. Leave it empty to stay anonymous."),
    )
    language = RadioField(
        _l("Language of the questionnaire"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(message=_l("Choose a language."))],
    )


class JoinStartForm(StartForm):
    share_with_coach = BooleanField(_l("Share my profile with the workshop coach"))


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token: for confirmations such as delete."""


def page_form_class(instrument: Instrument, items: tuple[Item, ...], language: str) -> type[FlaskForm]:
    choices = [SelectChoice(o.value, o.label[language]) for o in instrument.response_options]
    fields = {
        item.id: RadioField(item.text[language], choices=choices, coerce=int, validators=[Optional()])
        for item in items
    }
    fields["shown"] = HiddenField()
    return type("PageForm", (FlaskForm,), fields)


def submitted_answers(form_data, items, other_fields: set[str]) -> dict[str, int]:
    """The answers a form posted for `items`, refusing (400) anything a browser
    would not send: unknown fields, several values for one item, a value that is
    not one of the options. Unanswered items are simply absent."""
    unexpected = sorted(set(form_data) - {item.id for item in items} - other_fields)
    if unexpected:
        abort(400, description=_("The form contained fields it should not have (%(fields)s). Nothing was saved.",
                                 fields=", ".join(unexpected)[:200]))
    answers: dict[str, int] = {}
    for item in items:
        values = form_data.getlist(item.id)
        if not values or values == [""]:
            continue
        if len(values) > 1 or values[0] not in VALID_VALUES:
            abort(400, description=_("An answer was not one of the offered options. Nothing was saved."))
        answers[item.id] = int(values[0])
    return answers
