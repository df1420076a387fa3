from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from assessment import MAX_RESPONDENT_NAME

from ..common.forms import plain_name, research_consent_field, stripped
from ..language import language_choices


class JoinCodeForm(FlaskForm):
    code = StringField(
        _l("Workshop code"),
        validators=[InputRequired(message=_l("Enter the code you were given.")), Length(max=40)],
        description=_l("Six letters and digits – your coach will show you."),
    )


class ParticipantForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[stripped], validators=[Optional(), Length(max=MAX_RESPONDENT_NAME), plain_name])
    share_with_coach = BooleanField(
        _l("Share my answers and profile with the coach"),
        description=_l("The coach then sees every answer you give, your scores, bands and any notes on your answers – "
                       "in the workshop's team view, in its spreadsheet downloads (Excel and CSV), as your PDF report "
                       "and in a coach's edition of it with notes for a conversation with you. Never your plan, "
                       "nor any other time you've taken it – except, in a follow-up session, the profile you "
                       "shared in the first session, if you give its follow-up code. "
                       "Leave it unticked and the coach sees only that you took part."),
    )
    language = RadioField(_l("Language of the questionnaire"), choices=language_choices,
                          validators=[InputRequired(message=_l("Choose a language."))])
    research_consent = research_consent_field()
    # Only in a named follow-up session: links this take to the person's shared take of the
    # first session (services/followup/linking.py). The field keeps its old name.
    previous_link = StringField(
        _l("Your follow-up code from the first session (optional)"), validators=[Optional(), Length(max=300)],
        description=_l("Only a profile you shared with the coach in the first session can be linked: its code is on "
                       "that profile (for example K7QMD-3WXPA), and its link or the link in your reminder e-mail "
                       "work too. You then see your own then-and-now. If you share this profile too, your coach "
                       "sees your scores from the first session beside today's and whether each changed clearly – "
                       "nothing else from before: no plan, no other take. Didn't share it then? Leave this empty: "
                       "“Take it again” on that profile shows you your own then-and-now, and the coach never sees it."),
    )
