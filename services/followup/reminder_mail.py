"""The reminder e-mail people act on (issue 27, item 6): a greeting (with the name if the
person gave one), the date of the take it follows up, the time a retake takes, the plan,
one button to the retake link and the date that link stops working; an HTML part with the
plain-text part beside it, in the person's language. Everything a person typed (name, plan)
is escaped in the HTML; the address is written only into the To header, by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

from markupsafe import Markup, escape

from assessment.followup import Plan
from reports.calendar_links import plan_text
from reports.i18n import long_date, translations

BUTTON_COLOUR = "#0b4f8a"  # the site's --accent (static/css/app.css); white on it is 8.4:1


@dataclass(frozen=True)
class ReminderContent:
    language: str
    name: str | None
    taken_on: date  # the take this reminder follows up
    minutes: int  # the questionnaire's typical time
    retake_url: str
    link_works_until: date
    plan: Plan | None


def _texts(content: ReminderContent) -> dict[str, str]:
    _ = translations(content.language).gettext
    language = content.language
    return {
        "subject": _("Your follow-up: time to take the questionnaire again"),
        "heading": _("Time for your follow-up"),
        "greeting": (_("Hi %(name)s,") % {"name": content.name}) if content.name else _("Hi,"),
        "why": _("On %(date)s you answered the questionnaire about sales call reluctance and chose today "
                 "for your follow-up.") % {"date": long_date(content.taken_on, language)},
        "plan": _("Your plan:"),
        "invite": _("Take it again now and see what has changed since then. It takes about %(minutes)s minutes.")
        % {"minutes": content.minutes},
        "button": _("Take the questionnaire again"),
        "expiry": _("The link works up to and including %(date)s. After that, open your profile with your private link and "
                    "choose “Take it again”.") % {"date": long_date(content.link_works_until, language)},
        "footer": _("You're getting this e-mail because you asked for one reminder. We've now deleted your address."),
    }


def plain_text(content: ReminderContent) -> str:
    t = _texts(content)
    parts = [t["greeting"], t["why"]]
    if content.plan is not None and content.plan.actions:
        parts.append(t["plan"] + "\n" + plan_text(content.plan, content.language))
    parts += [t["invite"] + "\n" + content.retake_url, t["expiry"], "-- \n" + t["footer"]]
    return "\n\n".join(parts) + "\n"


def html(content: ReminderContent) -> str:
    t = {key: escape(value) for key, value in _texts(content).items()}
    plan = ""
    if content.plan is not None and content.plan.actions:
        steps = plan_text(content.plan, content.language).split("\n")
        items = Markup("").join(Markup("<li style=\"margin:0 0 6px\">{}</li>").format(step.split(". ", 1)[1])
                                for step in steps)
        plan = Markup('<p style="margin:0 0 6px"><strong>{}</strong></p><ol style="margin:0 0 20px;padding-left:22px">{}</ol>').format(
            t["plan"], items)
    url = escape(content.retake_url)
    body = Markup("""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{subject}</title></head>
<body style="margin:0;padding:0;background:#f5f7fa">
<div style="max-width:560px;margin:0 auto;padding:24px 16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2933">
<main style="display:block;background:#ffffff;border-radius:8px;padding:24px">
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">{heading}</h1>
<p style="margin:0 0 16px">{greeting}</p>
<p style="margin:0 0 20px">{why}</p>
{plan}<p style="margin:0 0 20px">{invite}</p>
<p style="margin:0 0 24px;text-align:center"><a href="{url}" style="display:inline-block;background:{colour};color:#ffffff;text-decoration:none;font-weight:600;padding:14px 24px;border-radius:6px;max-width:100%;box-sizing:border-box">{button}</a></p>
<p style="margin:0 0 8px;font-size:14px;color:#52606d">{expiry}</p>
<p style="margin:0;font-size:14px;color:#52606d;word-break:break-all"><a href="{url}" style="color:{colour}">{url}</a></p>
</main>
<footer style="display:block"><p style="margin:16px 8px 0;font-size:13px;color:#52606d">{footer}</p></footer>
</div></body></html>
""").format(lang=escape(content.language), subject=t["subject"], heading=t["heading"], greeting=t["greeting"], why=t["why"], plan=plan,
            invite=t["invite"], url=url, colour=BUTTON_COLOUR, button=t["button"], expiry=t["expiry"], footer=t["footer"])
    return str(body)


def fill(message: EmailMessage, content: ReminderContent) -> EmailMessage:
    """Subject and both parts (plain text first, HTML as the alternative) on `message`."""
    message["Subject"] = _texts(content)["subject"]
    message.set_content(plain_text(content))
    message.add_alternative(html(content), subtype="html")
    message["Content-Language"] = content.language  # after: add_alternative moves Content-* into the first part
    return message
