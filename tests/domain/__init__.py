"""The fast tier: tests of the domain (assessment/) and of reports laid out from it,
which need no app, database or queue (`make test-fast`). Each module loads its item
bank itself; none uses the app-building fixtures of tests/conftest.py."""
