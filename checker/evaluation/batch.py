"""One worker pool for batch commands (`check DIR --summary`, `diff`): chunks of items
shared out between this process and worker processes.

The work is cut into chunks that this process and its workers take in turn from a
shared counter, so this process starts on the first chunk at once and a worker adds to
the throughput from the moment it has started; a batch too small to repay a worker's
start-up runs here alone. Each worker is started once per batch (spawned: durable-rules
keeps its rulesets in process-global state, which a forked child would share) and gets
the work's state (the loaded rules) once, pickled once for all workers, through a pipe
of its own written by a thread: this process never waits for a worker to start, and a
worker still starting when the last chunk is done is stopped, not waited for. Chunks
shrink towards the end of the batch so that the processes finish together. Results come
back in the order of the items. A task handles its own items' errors, so one bad item
never stops the batch.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Any

Task = Callable[[Any, Sequence[Any]], list[Any]]  # (state, chunk) -> one result per item

# items: below this a worker's start-up costs more than it saves. bench/bench_summary.py
# measures it: a worker's start-up (imports, rules, first chunk cold) ~0.26 s CPU, a case
# ~1.8 ms, so a worker repays itself from ~150 cases.
PARALLEL_FROM = 150
CHUNK = 32  # items a process takes at a time at most
SMALLEST_CHUNK = 4  # items: the chunks at the end of a batch, shared out evenly
_DONE = -1
_WAIT = 1.0  # seconds between checks that the workers still run


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
    # What exists before the batch (modules, the rules) outlives it: frozen, it is left
    # out of the garbage collector's full collections, which would walk it each time.
    gc.freeze()
    try:
        return _run(task, state, items, jobs, progress)
    finally:
        gc.unfreeze()


def _run(
    task: Task,
    state: Any,
    items: Sequence[Any],
    jobs: int | None,
    progress: Callable[[int], None] | None,
) -> list[Any]:
    processes = jobs or (os.cpu_count() or 1 if len(items) >= PARALLEL_FROM else 1)
    chunks = _chunks(items, processes)
    processes = min(processes, len(chunks))
    if processes <= 1:
        results = []
        for chunk in chunks:
            results.extend(task(state, chunk))
            if progress:
                progress(len(chunk))
        return results
    done: dict[int, list] = {}
    with _Workers(processes - 1, (task, state, chunks)) as workers:
        for number in _taken(workers.counter, len(chunks)):
            done[number] = task(state, chunks[number])
            if progress:
                progress(len(chunks[number]))
            workers.collect(done, chunks, progress, block=False)
        while len(done) < len(chunks):
            workers.collect(done, chunks, progress, block=True)
    return [result for number in range(len(chunks)) for result in done[number]]


def _chunks(items: Sequence[Any], processes: int) -> list[Sequence[Any]]:
    """`items` cut into chunks of at most CHUNK, each a share of what is left: large
    while much is left, down to SMALLEST_CHUNK at the end."""
    chunks, start = [], 0
    while start < len(items):
        share = (len(items) - start) // (processes * 4)
        size = max(1, min(CHUNK, max(SMALLEST_CHUNK, share)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


class _Workers:
    """The worker processes of one batch, started at once, each sent the pickled work
    from a thread; stopped on leaving, finished or not."""

    def __init__(self, count: int, work: tuple[Task, Any, list]) -> None:
        context = multiprocessing.get_context("spawn")
        self.counter = context.Value("i", 0)
        self.outcomes = context.Queue()
        payload = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
        self.processes, self.senders = [], []
        for _number in range(count):
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(
                target=_work, args=(reader, self.counter, self.outcomes), daemon=True
            )
            process.start()
            reader.close()
            sender = threading.Thread(target=_send, args=(writer, payload), daemon=True)
            sender.start()
            self.processes.append(process)
            self.senders.append(sender)

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *_exception: object) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join()
        for sender in self.senders:
            sender.join()
        self.outcomes.close()

    def collect(
        self,
        done: dict[int, list],
        chunks: list,
        progress: Callable[[int], None] | None,
        block: bool,
    ) -> None:
        """Store the workers' finished chunks (waiting for one when `block`); raise when
        a worker failed or stopped with chunks of its own unfinished."""
        while True:
            try:
                number, result = self.outcomes.get(block=block, timeout=_WAIT if block else None)
            except queue.Empty:
                if block and not any(process.is_alive() for process in self.processes):
                    raise RuntimeError("a batch worker stopped before its work was done") from None
                if block:
                    continue
                return
            if number == _DONE:
                if result is not None:
                    raise RuntimeError(f"a batch worker failed:\n{result}")
                continue
            done[number] = result
            if progress:
                progress(len(chunks[number]))
            if block:
                return


def _send(writer: Any, payload: bytes) -> None:
    """Send a worker its work; a worker stopped before reading it needs it no more."""
    try:
        writer.send_bytes(payload)
    except OSError:
        pass
    finally:
        writer.close()


def _taken(counter: Any, total: int):
    """The chunk numbers this process takes, one at a time, until none is left."""
    while True:
        with counter.get_lock():
            number = counter.value
            counter.value += 1
        if number >= total:
            return
        yield number


def _work(reader: Any, counter: Any, outcomes: Any) -> None:
    """A worker: take chunks until none is left, then say so (with any failure)."""
    failure = None
    try:
        task, state, chunks = pickle.loads(reader.recv_bytes())
        reader.close()
        gc.freeze()  # as in run: the modules and the rules outlive every chunk
        for number in _taken(counter, len(chunks)):
            outcomes.put((number, task(state, chunks[number])))
    except BaseException:  # reported to the parent, which raises it
        failure = traceback.format_exc()
    outcomes.put((_DONE, failure))
