#!/usr/bin/env bash
# Re-extract the UI strings and merge them into the Swedish catalog.
# New strings arrive untranslated; test_translations fails until they are translated.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header --sort-output \
  -o translations/messages.pot . 2>&1 | grep -v "^extracting" || true
.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
