"""One worker pool for batch commands (`check DIR --summary`, `diff`): chunks of items
shared out between this process and worker processes.

The work is cut into chunks that this process and its workers take in turn from a
shared counter, so this process starts on the first chunk at once and a worker adds to
the throughput from the moment it has started; a batch too small to repay a worker's
start-up runs here alone. Each worker is started once per batch (spawned: durable-rules
keeps its rulesets in process-global state, which a forked child would share), gets the
work's state (the loaded rules) once, pickled, and builds its own engine. Results come
back in the order of the items. A task handles its own items' errors, so one bad item
never stops the batch.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import traceback
from collections.abc import Callable, Sequence
from typing import Any

Task = Callable[[Any, Sequence[Any]], list[Any]]  # (state, chunk) -> one result per item

PARALLEL_FROM = 128  # items; a worker's start-up (~0.2 s) costs more below that
CHUNK = 32  # items a process takes at a time: small enough to share the work evenly
_DONE = -1


def run(
    task: Task,
    state: Any,
    items: Sequence[Any],
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """`task(state, chunk)` over every chunk of `items`, here and in `jobs - 1` workers;
    the results in the order of the items. By default one process per core, and only
    this one for fewer than PARALLEL_FROM items.

    `task` must be a module-level function and `state` picklable.
    """
    processes = jobs or (os.cpu_count() or 1 if len(items) >= PARALLEL_FROM else 1)
    size = max(1, min(CHUNK, len(items) // (processes * 4)))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    processes = min(processes, len(chunks))
    if processes <= 1:
        results = []
        for chunk in chunks:
            results.extend(task(state, chunk))
            if progress:
                progress(len(chunk))
        return results
    context = multiprocessing.get_context("spawn")
    counter = context.Value("i", 0)
    outcomes = context.Queue()
    payload = pickle.dumps((task, state, chunks), protocol=pickle.HIGHEST_PROTOCOL)
    workers = [
        context.Process(target=_work, args=(payload, counter, outcomes), daemon=True)
        for _number in range(processes - 1)
    ]
    for worker in workers:
        worker.start()
    done: dict[int, list] = {}
    try:
        running = len(workers)
        for number in _taken(counter, len(chunks)):
            done[number] = task(state, chunks[number])
            if progress:
                progress(len(chunks[number]))
            running -= _collect(outcomes, done, chunks, progress, block=False)
        while running:
            running -= _collect(outcomes, done, chunks, progress, block=True)
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
    return [result for number in range(len(chunks)) for result in done[number]]


def _taken(counter: Any, total: int):
    """The chunk numbers this process takes, one at a time, until none is left."""
    while True:
        with counter.get_lock():
            number = counter.value
            counter.value += 1
        if number >= total:
            return
        yield number


def _collect(
    outcomes: Any,
    done: dict[int, list],
    chunks: list,
    progress: Callable[[int], None] | None,
    block: bool,
) -> int:
    """Store the workers' finished chunks (waiting for one when `block`); how many
    workers said they are done."""
    finished = 0
    while True:
        try:
            number, result = outcomes.get(block=block)
        except queue.Empty:
            return finished
        if number == _DONE:
            if result is not None:
                raise RuntimeError(f"a batch worker failed:\n{result}")
            finished += 1
            if block:
                return finished
            continue
        done[number] = result
        if progress:
            progress(len(chunks[number]))
        if block:
            return finished


def _work(payload: bytes, counter: Any, outcomes: Any) -> None:
    """A worker: take chunks until none is left, then say so (with any failure)."""
    failure = None
    try:
        task, state, chunks = pickle.loads(payload)
        for number in _taken(counter, len(chunks)):
            outcomes.put((number, task(state, chunks[number])))
    except BaseException:  # reported to the parent, which raises it
        failure = traceback.format_exc()
    outcomes.put((_DONE, failure))
