import pytest


@pytest.fixture
def app():
    # Every fixture that builds an app (client, runner, instrument, respondent…) goes through this one.
    pytest.fail("tests/domain/ is the fast tier and needs no app: a test that does belongs in tests/")
