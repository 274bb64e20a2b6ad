"""What the snippet tests say about a run again and again, said once."""


def clean(out):
    """The run's stdout lines, asserting it ended without an exception, a warning or stderr."""
    assert out.exception is None and out.warnings == [], out.stderr
    assert out.stderr == ""
    return out.lines


def missing_attribute(out, name):
    """The run stopped because this Python's asyncio has no ``name``."""
    assert out.exception == {
        "type": "AttributeError",
        "message": f"module 'asyncio' has no attribute '{name}'",
    }
