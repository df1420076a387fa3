"""What the app does with stored data: responses, workshops and teams, accounts,
follow-up (plans, retakes, reminders and their mail), research statistics and
imports, personal data, and report production (store, production, queue).
Nothing here sees a request: web/, cli/ and worker.py call it."""
