"""CPython oracle for loopviz: run a scenario under asyncio on a virtual clock.

    python3 tests/oracle.py FILE

runs FILE as __main__ (like `python3 FILE`) with these changes, which are the
definition of "what CPython does" that `loopviz run` must reproduce:

- The event loop never waits. Its selector is a fake whose select() moves the
  virtual clock to exactly the deadline of the earliest scheduled timer
  (loop._scheduled[0]._when; no float is added) instead of blocking. When
  nothing is ready and no timer is pending, CPython would block forever: the
  oracle writes "oracle: deadlock" to stderr and exits with status 3.
- Timers with equal deadlines fire in the order they were scheduled: timer
  handles compare by (deadline, sequence number taken at creation).
- The loop's clock resolution is pinned to 1e-9 (CPython's value on Linux):
  as in CPython's _run_once, every timer whose deadline is earlier than
  clock + 1e-9 becomes ready in the same iteration.
- One virtual clock per process, starting at 0.0 and never reset (a second
  asyncio.run() continues from where the first one stopped):
  loop.time(), time.monotonic() and time.perf_counter() return it;
  time.time() returns 1700000000.0 + clock; the *_ns variants return the same
  instants in integer nanoseconds; time.sleep(d) advances the clock by d
  without really sleeping (inside a coroutine it blocks the whole loop).
- random.seed(0) is called just before the program runs (loopviz's fixed
  default seed).

An uncaught exception ends the run as `python3 FILE` would: traceback on
stderr (frames of the oracle and runpy left out), exit status 1. A syntax
error prints the file/line/caret block and the SyntaxError line, status 1.
"""

import asyncio
import asyncio.events
import asyncio.unix_events
import heapq
import itertools
import os
import random
import runpy
import selectors
import sys
import time
import traceback

EPOCH = 1700000000.0          # time.time() at virtual clock 0.0
CLOCK_RESOLUTION = 1e-9       # CPython's monotonic clock resolution on Linux
DEADLOCK_STATUS = 3


class VirtualClock:
    """The single virtual clock of this process, in seconds."""

    def __init__(self):
        self.now = 0.0

    def ns(self):
        return round(self.now * 1e9)


CLOCK = VirtualClock()
_TIMER_SEQ = itertools.count()


class SeqTimerHandle(asyncio.events.TimerHandle):
    """A TimerHandle ordered by (deadline, order of creation)."""

    __slots__ = ("_seq",)

    def __init__(self, when, callback, args, loop, context=None):
        super().__init__(when, callback, args, loop, context)
        self._seq = next(_TIMER_SEQ)

    def _key(self):
        return (self._when, self._seq)

    def __hash__(self):
        return hash(self._key())

    def __lt__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() < other._key()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() <= other._key()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() > other._key()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self._key() >= other._key()
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, SeqTimerHandle):
            return self is other
        return NotImplemented


def _deadlock():
    sys.stdout.flush()
    sys.stderr.write("oracle: deadlock\n")
    sys.stderr.flush()
    os._exit(DEADLOCK_STATUS)


class VirtualSelector(selectors.BaseSelector):
    """A selector that never blocks: select() advances the virtual clock.

    It keeps the registrations the loop makes for its self-pipe so that
    register/unregister/modify/get_key/get_map behave, but never reports an
    fd as ready (scenarios have no I/O and no threads).
    """

    def __init__(self):
        self._keys = {}        # fd -> SelectorKey
        self.loop = None       # the VirtualEventLoop that owns this selector

    def register(self, fileobj, events, data=None):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        if fd in self._keys:
            raise KeyError(f"{fileobj!r} (FD {fd}) is already registered")
        key = selectors.SelectorKey(fileobj, fd, events, data)
        self._keys[fd] = key
        return key

    def unregister(self, fileobj):
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()
        try:
            return self._keys.pop(fd)
        except KeyError:
            raise KeyError(f"{fileobj!r} is not registered") from None

    def modify(self, fileobj, events, data=None):
        self.unregister(fileobj)
        return self.register(fileobj, events, data)

    def select(self, timeout=None):
        if timeout is None:
            _deadlock()
        if timeout > 0:
            # _run_once passes timeout > 0 only when nothing is ready and the
            # head of _scheduled is a live timer: jump exactly to it.
            CLOCK.now = self.loop._scheduled[0]._when
        return []

    def close(self):
        self._keys.clear()

    def get_map(self):
        return dict(self._keys)


class VirtualEventLoop(asyncio.unix_events.SelectorEventLoop):
    """asyncio's unix selector loop on the virtual clock."""

    def __init__(self):
        selector = VirtualSelector()
        super().__init__(selector)
        selector.loop = self
        self._clock_resolution = CLOCK_RESOLUTION

    def time(self):
        return CLOCK.now

    def call_at(self, when, callback, *args, context=None):
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        timer = SeqTimerHandle(when, callback, args, self, context)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer


class VirtualPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = VirtualEventLoop


def _sleep(secs):
    if not isinstance(secs, (int, float)):
        raise TypeError(f"'{type(secs).__name__}' object cannot be "
                        f"interpreted as an integer")
    if secs < 0:
        raise ValueError("sleep length must be non-negative")
    CLOCK.now += secs


def _patch_time():
    time.time = lambda: EPOCH + CLOCK.now
    time.time_ns = lambda: int(EPOCH) * 10**9 + CLOCK.ns()
    time.monotonic = lambda: CLOCK.now
    time.monotonic_ns = CLOCK.ns
    time.perf_counter = lambda: CLOCK.now
    time.perf_counter_ns = CLOCK.ns
    time.sleep = _sleep


def _print_uncaught(exc, path):
    """Print exc as the interpreter would for `python3 path`."""
    tb = exc.__traceback__
    # Drop the oracle's and runpy's frames: start at the scenario's module.
    while tb is not None and tb.tb_frame.f_code.co_filename != path:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: python3 tests/oracle.py FILE\n")
        return 2
    if sys.version_info[:2] != (3, 11):
        sys.stderr.write("oracle: the reference is CPython 3.11, this is "
                         f"{sys.version.split()[0]}\n")
        return 2
    path = argv[1]
    if not os.path.isfile(path):
        sys.stderr.write(f"oracle: no such file: {path}\n")
        return 2
    # Like `python3 FILE` since 3.9: the script runs under its absolute path.
    path = os.path.abspath(path)
    _patch_time()
    asyncio.set_event_loop_policy(VirtualPolicy())
    sys.argv = [argv[1]]
    sys.path[0] = os.path.dirname(path)
    random.seed(0)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as exc:  # like the interpreter: anything uncaught
        sys.stdout.flush()
        _print_uncaught(exc, path)
        return 1
    return 0


if __name__ == "__main__":
    status = main(sys.argv)
    sys.stdout.flush()
    sys.exit(status)
