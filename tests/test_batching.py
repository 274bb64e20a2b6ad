"""The batching page: chunks wait for their slowest job, a bounded pool does not."""

import re
from pathlib import Path

import pytest

SNIPPETS = Path(__file__).resolve().parent.parent / "snippets"

SEEDS = [0, 1]


def seconds(line):
    return [float(x) for x in re.findall(r"(\d+\.\d+)s", line)]


def total(out):
    assert out.exception is None and out.warnings == [], out.stderr
    return seconds(out.lines[-1])[-1]


def constant(snippet, name):
    return int(
        re.search(rf"^{name} = (\d+)$", (SNIPPETS / snippet).read_text(), re.MULTILINE).group(1)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_each_chunk_waits_for_its_slowest_job(python, seed):
    out = python.run("batching/chunks_wait_for_slowest.py", seed=seed)
    chunks = [seconds(line) for line in out.lines if line.startswith("chunk:")]
    assert len(chunks) == 1000 // constant("batching/chunks_wait_for_slowest.py", "CHUNK_SIZE")
    for slowest, took in chunks:
        assert took == pytest.approx(slowest, abs=0.011)
    assert total(out) == pytest.approx(sum(slowest for slowest, _ in chunks), abs=0.06)
    assert out.virtual_time == pytest.approx(total(out), abs=0.006)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_pool_finishes_before_the_chunks(python, seed):
    chunked = total(python.run("batching/chunks_wait_for_slowest.py", seed=seed))
    pool = total(python.run("batching/semaphore_pool.py", seed=seed))
    workers = total(python.run("batching/queue_workers.py", seed=seed))
    assert 9 < chunked < 10 and 5.5 < pool < 7  # "close to 10 seconds", "about 6 seconds"
    # Same durations, same order, one slot per job: the two pools are one schedule.
    assert workers == pytest.approx(pool, abs=0.001)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_semaphore_bounds_concurrency(python, seed):
    out = python.run("batching/semaphore_pool.py", seed=seed)
    peak = int(re.match(r"at most (\d+) jobs at once", out.lines[-1]).group(1))
    assert peak == constant("batching/semaphore_pool.py", "LIMIT")


def test_the_queue_workers_share_all_accounts(python):
    out = python.run("batching/queue_workers.py")
    workers = constant("batching/queue_workers.py", "WORKERS")
    assert out.lines[-1].startswith(f"{workers} workers handled 1000 accounts")


def test_with_a_live_producer_only_workers_waiting_on_get_handle_every_account(python):
    out = python.run("batching/queue_live_producer.py")
    assert out.exception is None and out.warnings == [] and out.stderr == ""
    assert out.lines == [
        # Three accounts arrive after a lull: these workers have quit by then.
        "quits_when_empty: handled 3 of 6, 3 left, 1.5s",
        # These wait on get() through the lull, and are cancelled after queue.join().
        "waits_on_get: handled 6 of 6, 0 left, 2.5s",
    ]
    assert out.virtual_time == pytest.approx(1.5 + 2.5)


def test_a_generator_of_tasks_starts_them_only_when_iterated(python):
    out = python.run("batching/generator_runs_lazily.py")
    assert out.exception is None and out.warnings == []
    assert out.lines == ["list: 1.0s", "generator: 2.0s", "generator, second pass: []"]
    assert out.virtual_time == pytest.approx(3.0)
