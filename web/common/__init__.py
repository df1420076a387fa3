"""Web pieces shared by several audiences' blueprints (questionnaire, join,
coach). Blueprints import from here, never from each other."""
