"""Compare two runs' output where one ran in real time: timing numbers may drift, nothing else may.

A line matches when it reads the same once every decimal number is set aside, and each of those
numbers is within TOLERANCE of the other run's (a real-time "total: 10.00s" against the virtual
clock's "total: 9.92s"). Integers, words and the order of lines must be equal.
"""

import re

NUMBER = re.compile(r"\d+\.\d+")


def tolerance(expected: float) -> float:
    return 0.15 + 0.05 * abs(expected)  # the page's run also draws its timeline as it goes


def line_matches(expected: str, actual: str) -> bool:
    if NUMBER.sub("#", expected) != NUMBER.sub("#", actual):
        return False
    pairs = zip(NUMBER.findall(expected), NUMBER.findall(actual))
    return all(abs(float(a) - float(e)) <= tolerance(float(e)) for e, a in pairs)


def differences(expected: list, actual: list) -> list:
    """Human-readable mismatches, [] when the outputs agree."""
    problems = ["line %d: expected %r, got %r" % (n + 1, e, a) for n, (e, a) in enumerate(zip(expected, actual))
                if not line_matches(e, a)]
    if len(expected) != len(actual):
        problems.append("%d lines expected, %d printed" % (len(expected), len(actual)))
    return problems
