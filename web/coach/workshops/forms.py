from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...common.forms import name_length, stripped
from ...language import language_choices


class WorkshopForm(FlaskForm):
    # Stripped before the check: a title of only spaces is no title (it was saved as "").
    title = StringField(_l("Title"), filters=[stripped],
                        validators=[DataRequired(message=_l("Give the workshop a title.")), Length(max=200)])
    held_on = DateField(_l("Date"), default=date.today, validators=[InputRequired(message=_l("Enter the date of the workshop."))])
    language = RadioField(_l("Language"), choices=language_choices, default="sv", validators=[InputRequired(message=_l("Choose a language."))])
    privacy_mode = RadioField(
        _l("Privacy"),
        choices=[
            SelectChoice("anonymous", _l("Anonymous: I only see the team's totals, never one person's scores")),
            SelectChoice("named", _l("Named: participants give their name and choose whether to share their profile with me")),
        ],
        default="anonymous",
        validators=[InputRequired(message=_l("Choose a privacy mode."))],
    )


class PaperEntryForm(FlaskForm):
    name = StringField(_l("Participant's name (optional)"), filters=[stripped], validators=[Optional(), name_length()])
    share_with_coach = BooleanField(_l("The participant agreed to share their profile with me"))
    language = RadioField(_l("Language of the paper questionnaire"), choices=language_choices,
                          validators=[InputRequired(message=_l("Choose a language."))])


class FollowUpForm(FlaskForm):
    # The presenter's closing slide announces this date, so the coach sets it; a month is the usual gap.
    held_on = DateField(_l("Date of the follow-up session"), default=lambda: date.today() + timedelta(days=30),
                        validators=[InputRequired(message=_l("Enter the date of the follow-up session, e.g. 2027-01-31."))])


class ShareForm(FlaskForm):
    email = EmailField(_l("E-mail of the other coach's account"), validators=[
        InputRequired(message=_l("Enter the e-mail address of the coach to share with.")), Length(max=254)],
        description=_l("They see and can do everything you can here, also the profiles shared before, "
                       "except deleting the workshop and sharing it on."))
