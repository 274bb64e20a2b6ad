"""The legacy page: the source's three examples on every Python, and their rewrites.

The page's version claims are checked by tests/test_claims.py; these tests pin the
details the prose quotes (messages, lines, outputs).
"""

import ast

import pytest

NO_CURRENT_LOOP = {
    "type": "RuntimeError",
    "message": "There is no current event loop in thread 'MainThread'.",
}
GROUPS = [
    [f"group 1.{i}" for i in range(1, 6)],
    [f"group 2.{i}" for i in range(1, 4)],
    [f"group 3.{i}" for i in range(1, 10)],
]


# ------------------------------------------------------------- gather groups


def printed_results(out):
    return ast.literal_eval(out.stdout[out.stdout.index("[[") :])


def test_gather_groups_legacy(python):
    out = python.run("legacy/gather_groups_legacy.py")
    if python.at_least(3, 14):
        assert out.exception == NO_CURRENT_LOOP and out.lines == []
        return
    assert out.exception is None
    assert printed_results(out) == GROUPS
    if python.at_least(3, 12):
        [warning] = out.warnings
        assert (warning["category"], warning["message"]) == (
            "DeprecationWarning",
            "There is no current event loop",
        )
        assert warning["line"] == 17  # loop = asyncio.get_event_loop()
    else:
        assert out.warnings == []


@pytest.mark.parametrize(
    "snippet", ["legacy/gather_groups_modern.py", "legacy/gather_groups_taskgroup.py"]
)
def test_gather_groups_rewrites_print_the_same_results(python, snippet):
    out = python.run(snippet)
    if snippet.endswith("taskgroup.py") and not python.at_least(3, 11):
        assert out.exception == {
            "type": "AttributeError",
            "message": "module 'asyncio' has no attribute 'TaskGroup'",
        }
        return
    assert out.exception is None and out.warnings == []
    assert printed_results(out) == GROUPS
    # As long as the slowest coroutine: the same seed gives the same sleeps as the legacy run.
    if not python.at_least(3, 14):  # there the legacy file stops before its sleeps
        assert out.virtual_time == pytest.approx(
            python.run("legacy/gather_groups_legacy.py").virtual_time
        )
    assert 1 <= out.virtual_time <= 3


# --------------------------------------------------------------- wait three steps


def test_wait_three_steps_legacy(python):
    out = python.run("legacy/wait_three_steps_legacy.py")
    wait_warnings = [w for w in out.warnings if "asyncio.wait()" in w["message"]]
    if python.at_least(3, 14):  # stops at get_event_loop(), before printing anything
        assert out.exception == NO_CURRENT_LOOP
        assert out.lines == [] and out.warnings == []
    elif python.at_least(3, 11):
        assert out.exception == {
            "type": "TypeError",
            "message": "Passing coroutines is forbidden, use tasks explicitly.",
        }
        assert out.lines == ["Get first result:"]
        assert wait_warnings == []
    else:
        assert out.exception is None
        assert sorted(int(line) for line in out.lines if line.isdigit()) == list(range(1, 11))
        if python.version == (3, 8):
            assert out.warnings == []
        else:
            [warning] = wait_warnings
            assert warning["category"] == "DeprecationWarning"
            assert warning["message"].startswith(
                "The explicit passing of coroutine objects to asyncio.wait() is deprecated"
            )


SEED_WITH_NOTHING_LEFT = 223  # every sleep ends within the two-second step


def test_wait_three_steps_legacy_fails_on_an_empty_last_step(python):
    if python.at_least(3, 11):
        pytest.skip("the TypeError comes first from 3.11 on")
    out = python.run("legacy/wait_three_steps_legacy.py", seed=SEED_WITH_NOTHING_LEFT)
    assert out.lines[-2:] == ["unfinished2: 0", "Get all other results:"]
    assert out.exception["type"] == "ValueError"


def test_wait_refuses_an_empty_set(python):
    out = python.run("legacy/wait_empty_set.py")
    assert out.exception["type"] == "ValueError"
    assert out.exception["message"].endswith("/Futures is empty.")


@pytest.mark.parametrize("seed", [0, SEED_WITH_NOTHING_LEFT])
def test_wait_three_steps_modern(python, seed):
    out = python.run("legacy/wait_three_steps_modern.py", seed=seed)
    assert out.exception is None and out.warnings == []
    results = [int(line) for line in out.lines if line.isdigit()]
    assert sorted(results) == list(range(1, 11))
    steps = [line for line in out.lines if line.startswith(("Get ", "unfinished"))]
    assert steps[:3] == ["Get first result:", "unfinished: 9", "Get more results in 2 seconds:"]
    assert steps[3].startswith("unfinished2: ") and steps[4:] == ["Get all other results:"]
    if seed == SEED_WITH_NOTHING_LEFT:
        assert steps[3] == "unfinished2: 0"


# -------------------------------------------------------------------- batching


def test_batching_legacy_stops_at_the_first_missing_name(python):
    out = python.run("legacy/batching_legacy.py")
    assert out.exception == {"type": "NameError", "message": "name 'ad_accounts' is not defined"}
    assert out.stdout == ""


def test_batching_modern_handles_every_account(python):
    out = python.run("legacy/batching_modern.py")
    assert out.exception is None and out.warnings == []
    assert out.lines == ["handled: 1000"]


# ------------------------------------------------------------ get_event_loop()


def test_get_event_loop_after_close(python):
    out = python.run("legacy/get_event_loop_after_close.py")
    if python.at_least(3, 14):
        assert out.exception == NO_CURRENT_LOOP
        assert out.lines == [] and out.warnings == []
        return
    assert out.lines == ["first run: 42", "same loop: True", "closed: True"]
    assert out.exception == {"type": "RuntimeError", "message": "Event loop is closed"}
    categories = [(w["category"], w["message"]) for w in out.warnings]
    assert ("RuntimeWarning", "coroutine 'answer' was never awaited") in categories
    module_level = ("DeprecationWarning", "There is no current event loop")
    assert (module_level in categories) == python.at_least(3, 12)


def test_the_310_and_311_releases_we_run_are_past_the_patch_releases_that_warned(python):
    # The page: per the Python docs and CPython's changelog (gh-93453, gh-100160), 3.10.9 and
    # 3.11.1 still warned at module level, 3.10.10 and 3.11.2 no longer did; we measure our own.
    if python.version not in ((3, 10), (3, 11)):
        pytest.skip("the page's patch-release history is about 3.10 and 3.11")
    out = python.run("legacy/gather_groups_legacy.py")
    release = tuple(int(part) for part in out.python.split(".")[:3])
    assert (
        release == {(3, 10): (3, 10, 13), (3, 11): (3, 11, 7)}[python.version]
    )  # named on the page
    assert out.warnings == [] and out.exception is None


LEGACY_LOOPS = [
    "legacy/gather_groups_legacy.py",
    "legacy/get_event_loop_after_close.py",
    "legacy/wait_three_steps_legacy.py",
]


def test_get_event_loop_at_module_level_warns_on_312_and_313_and_raises_from_314(python):
    for snippet in LEGACY_LOOPS:
        out = python.run(snippet)
        warned = any(w["message"] == "There is no current event loop" for w in out.warnings)
        assert warned == (python.version in ((3, 12), (3, 13))), snippet
        assert (out.exception == NO_CURRENT_LOOP) == python.at_least(3, 14), snippet
