from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ..common.forms import name_length, research_consent_field, stripped
from ..language import language_choices


class JoinCodeForm(FlaskForm):
    code = StringField(
        _l("Workshop code"),
        validators=[InputRequired(message=_l("Enter the code you were given.")), Length(max=40)],
        description=_l("Six letters and digits – your coach will show you."),
    )


class ParticipantForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[stripped], validators=[Optional(), name_length()])
    # What the coach sees is said beside the box, as short sentences and a list, in
    # templates/join/workshop.html (the walk: one 90-word sentence of nested exceptions).
    share_with_coach = BooleanField(_l("Share my answers and profile with the coach"))
    language = RadioField(_l("Language of the questionnaire"), choices=language_choices,
                          validators=[InputRequired(message=_l("Choose a language."))])
    research_consent = research_consent_field()
    # Only in a named follow-up session: links this take to the person's shared take of the
    # first session (services/followup/linking.py). The field keeps its old name.
    previous_link = StringField(
        _l("Your follow-up code from the first session (optional)"), validators=[Optional(), Length(max=300)],
        description=_l("Only a profile you shared with the coach in the first session can be linked. Its code is "
                       "on that profile, for example K7QMD-3WXPA. Its link, or the link in your reminder e-mail, "
                       "works too. With it you see how your scores have changed since then. If you share both "
                       "times, your coach sees your scores from the first session next to today's, and whether each "
                       "has clearly changed. Nothing else from before: not your plan, not other times you answered. "
                       "Didn't share it then? Leave this empty: “Take it again” on that profile shows you your own "
                       "then-and-now, and the coach never sees it."),
    )
