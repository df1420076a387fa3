"""Forms of the self-test. The page form is built per page from the item bank;
its radios carry the item text as legend and the response labels as labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from assessment import Instrument
from assessment.answers import NOT_APPLICABLE
from assessment.instrument import Item

from ..common.forms import name_length, research_consent_field, stripped
from ..language import language_choices


class StartForm(FlaskForm):
    name = StringField(
        _l("Your name (optional)"),
        filters=[stripped], validators=[Optional(), name_length()],
        description=_l("Shown on your profile and report. Leave it empty to stay anonymous."),
    )
    language = RadioField(
        _l("Language of the questionnaire"),
        choices=language_choices,
        validators=[InputRequired(message=_l("Choose a language."))],
    )
    research_consent = research_consent_field()


def _answer(value):
    return value if value in (None, "", NOT_APPLICABLE) else int(value)


def page_form_class(instrument: Instrument, items: tuple[Item, ...], language: str) -> type[FlaskForm]:
    choices = [SelectChoice(o.value, o.label[language]) for o in instrument.response_options]
    with_na = choices
    if instrument.offers_not_applicable:
        # The same radio group as 1–5, so that it is one question to the keyboard
        # and to screen readers; the page sets it apart visually. Only on the items
        # that offer it (the item bank decides: everyday faults always apply).
        with_na = [*choices, SelectChoice(NOT_APPLICABLE, instrument.not_applicable_label[language])]
    fields = {
        item.id: RadioField(item.text[language], choices=with_na if item.offers_not_applicable else choices,
                            coerce=_answer, validators=[Optional()])
        for item in items
    }
    fields["shown"] = HiddenField()
    return type("PageForm", (FlaskForm,), fields)

