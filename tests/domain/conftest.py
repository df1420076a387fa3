import pytest

from assessment import load_instrument

from ..support.paths import QUESTIONS


@pytest.fixture
def app():
    # Every fixture that builds an app (client, runner, respondent…) goes through this one.
    pytest.fail("tests/domain/ is the fast tier and needs no app: a test that does belongs in tests/")


@pytest.fixture(scope="module")
def instrument():
    """Instrument v1 read from questions/ without an app (tests/conftest.py's takes it from the
    app's bank); a module that means another version or several defines its own."""
    return load_instrument(QUESTIONS / "v1")
