"""One event loop per thread for pyHanko's async API: a new loop per signature costs."""

import asyncio
import threading
from collections.abc import Coroutine
from typing import TypeVar

T = TypeVar("T")

_local = threading.local()


def run(coroutine: Coroutine[object, object, T]) -> T:
    """Run ``coroutine`` on this thread's event loop, made once and kept."""
    runner = getattr(_local, "runner", None)
    if runner is None:
        runner = _local.runner = asyncio.Runner()
    return runner.run(coroutine)
