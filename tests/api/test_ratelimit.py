"""The sliding-window limiter, on a controlled clock."""

from __future__ import annotations

from api.ratelimit import SlidingWindowLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limits_per_client_within_the_window() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(3, window_s=60, clock=clock)
    assert [limiter.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.hit("a")
    assert 59 < wait <= 60
    assert limiter.hit("b") == 0.0  # other clients are unaffected


def test_window_slides() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(2, window_s=10, clock=clock)
    limiter.hit("a")
    clock.now += 6
    limiter.hit("a")
    assert limiter.hit("a") > 0
    clock.now += 4.5  # the first event has left the window, the second has not
    assert limiter.hit("a") == 0.0
    assert limiter.hit("a") > 0


def test_zero_disables() -> None:
    limiter = SlidingWindowLimiter(0)
    assert all(limiter.hit("a") == 0.0 for _ in range(1000))
