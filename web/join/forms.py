from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ..common.forms import research_consent_field
from ..language import language_choices


class JoinCodeForm(FlaskForm):
    code = StringField(
        _l("Workshop code"),
        validators=[InputRequired(message=_l("Enter the code you were given.")), Length(max=40)],
        description=_l("Six letters and digits – your coach will show you."),
    )


class ParticipantForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    share_with_coach = BooleanField(
        _l("Share my answers and profile with the coach"),
        description=_l("The coach then sees every answer you give, your scores, bands and any notes on your answers – "
                       "in the workshop's team view, in a spreadsheet download (CSV) and as your PDF report. "
                       "Leave it unticked and the coach sees only that you took part."),
    )
    language = RadioField(_l("Language of the questionnaire"), choices=language_choices,
                          validators=[InputRequired(message=_l("Choose a language."))])
    research_consent = research_consent_field()
    # Only in a named follow-up session: matches this response to the person's earlier one.
    previous_link = StringField(
        _l("Your private link from the first session (optional)"), validators=[Optional(), Length(max=300)],
        description=_l("Paste it to see your own then-and-now after the questionnaire; if you share your profile, "
                       "your coach sees whether your scores changed beyond measurement noise."),
    )
