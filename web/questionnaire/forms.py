"""Forms of the self-test. The page form is built per page from the item bank;
its radios carry the item text as legend and the response labels as labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from assessment import Instrument
from assessment.instrument import Item

from ..common.forms import LANGUAGE_CHOICES, research_consent_field


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
    research_consent = research_consent_field()


def page_form_class(instrument: Instrument, items: tuple[Item, ...], language: str) -> type[FlaskForm]:
    choices = [SelectChoice(o.value, o.label[language]) for o in instrument.response_options]
    fields = {
        item.id: RadioField(item.text[language], choices=choices, coerce=int, validators=[Optional()])
        for item in items
    }
    fields["shown"] = HiddenField()
    return type("PageForm", (FlaskForm,), fields)

