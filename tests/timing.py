"""Compare two runs' output where one ran in real time: timing may show, nothing else may.

A line matches when it reads the same once every decimal number is set aside, and each of those
numbers is within tolerance() of the other run's (a real-time "total: 10.00s" against the virtual
clock's "total: 9.92s": a real-time wait never ends early, but it may end late, more so on a busy
machine). Integers and words must be equal, and so must the order of lines, except
in a run whose tasks end within RACE_WINDOW of each other: a real-time run starts its tasks a few
milliseconds apart (the page's more than Node's), so those ends, and the lines they print, may
trade places. There the lines are compared as a multiset.
"""

import re

NUMBER = re.compile(r"\d+\.\d+")
RACE_WINDOW = 0.025  # s: in gather/groups_of_groups.py two tasks end 4.3 ms apart (seed 0)


def within(expected: float, actual: float) -> bool:
    """Early by no more than rounding; late by up to 0.3 s plus 15% (the page also draws as it runs)."""
    return expected - 0.06 <= actual <= expected + 0.3 + 0.15 * abs(expected)


def number_pairs(expected: str, actual: str) -> list | None:
    """The two lines' decimal numbers, paired, or None when the lines differ in anything else."""
    if NUMBER.sub("#", expected) != NUMBER.sub("#", actual):
        return None
    return [(float(e), float(a)) for e, a in zip(NUMBER.findall(expected), NUMBER.findall(actual))]


def ran_late(expected: list, actual: list) -> bool:
    """Whether a real-time run printed a time later than within() allows, on a line that
    otherwise reads as expected: the machine did not keep time (a stalled loop then also runs
    every timer that came due meanwhile in one go, so which task ended first may change too)."""
    return any(
        a > e and not within(e, a)
        for pairs in map(number_pairs, expected, actual)
        for e, a in pairs or []
    )


def line_matches(expected: str, actual: str) -> bool:
    pairs = number_pairs(expected, actual)
    return pairs is not None and all(within(e, a) for e, a in pairs)


def races(timeline: dict) -> bool:
    """Whether two of the run's tasks end closer together than RACE_WINDOW (but not at once)."""
    ends = sorted(task["end"] for task in timeline["tasks"] if task["end"] is not None)
    return any(0 < later - earlier < RACE_WINDOW for earlier, later in zip(ends, ends[1:]))


def differences(expected: list, actual: list, ordered: bool = True) -> list:
    """Human-readable mismatches, [] when the outputs agree (in any order unless ``ordered``)."""
    if not ordered:
        key = lambda line: (NUMBER.sub("#", line), line)  # noqa: E731
        expected, actual = sorted(expected, key=key), sorted(actual, key=key)
    problems = [
        "line %d: expected %r, got %r" % (n + 1, e, a)
        for n, (e, a) in enumerate(zip(expected, actual))
        if not line_matches(e, a)
    ]
    if len(expected) != len(actual):
        problems.append("%d lines expected, %d printed" % (len(expected), len(actual)))
    return problems
