"""The follow-up: plans, retakes, reminders (mail is their SMTP transport), the
daily reminder run (schedule), workshop follow-up sessions (teams), and what the
profile page and PDF show of it (context)."""
