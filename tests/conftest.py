"""Shared fixtures: ``python`` runs a test once per interpreter (CPython 3.8+ and each pinned
Pyodide); ``site`` is the repo's real build (without SITE_URL), one for all test processes."""

import pytest
from built import Site

import devkit.site
from devkit.interpreters import interpreters, pyodides


def pytest_generate_tests(metafunc):
    if "python" in metafunc.fixturenames:
        metafunc.parametrize("python", list(interpreters()), indirect=True)


@pytest.fixture
def python(request):
    interpreter = interpreters()[request.param]
    if interpreter is None:
        pytest.skip("Python %s is not installed on this machine" % request.param)
    return interpreter


def pytest_sessionfinish(session):
    for pyodide in pyodides():
        pyodide.close()


@pytest.fixture(scope="session")
def site():
    try:
        return Site(*devkit.site.shared())
    except devkit.site.BuildError as error:
        pytest.fail(str(error), pytrace=False)
