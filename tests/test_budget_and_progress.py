"""The time budget's arithmetic and the progress bar's output."""

import io
import math
import time

import pytest

from mlkit._budget import SAFETY, Budget, parallel_time
from mlkit._progress import Progress


def test_an_unlimited_budget_never_runs_out():
    budget = Budget(None)
    assert not budget.limited
    assert budget.left() == math.inf
    assert budget.deadline(0.5) == math.inf


def test_a_deadline_is_a_share_of_what_is_left_after_the_reserve():
    budget = Budget(100.0, started=time.monotonic() - 40)  # 60 s left
    now = time.monotonic()
    deadline = budget.deadline(0.5, reserve=20.0)
    assert deadline - now == pytest.approx(20.0, abs=0.5)
    assert Budget(10.0, started=time.monotonic() - 30).deadline(0.5) <= time.monotonic()


@pytest.mark.parametrize(
    ("tasks", "slots", "rounds"), [(5, 2, 3), (4, 2, 2), (1, 8, 1), (3, 0, 3)]
)
def test_parallel_time_counts_rounds_of_tasks(tasks, slots, rounds):
    assert parallel_time(2.0, tasks, slots) == pytest.approx(SAFETY * 2.0 * rounds)


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place_with_stage_steps_and_time():
    stream = _Terminal()
    progress = Progress("ModelSearch", enabled=True, budget=30, stream=stream)
    progress.stage("screen", 4)
    progress.advance(1, "ridge")
    progress.advance(3, "random_forest")
    progress.close("chose ridge")
    text = stream.getvalue()
    assert text.count("\r") >= 3
    assert "screen" in text
    assert "[#####---------------] 1/4 ridge" in text
    assert "4/4 random_forest" in text
    assert "of 30 s" in text
    assert text.endswith("\n")
    assert "ModelSearch: chose ridge in" in text


def test_in_a_log_each_stage_is_one_line():
    stream = io.StringIO()
    progress = Progress("ModelSearch", enabled=True, stream=stream)
    progress.stage("screen", 9)
    progress.advance(5, "ridge")
    progress.stage("tune", 3)
    progress.close("chose ridge")
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines[:2]] == [
        "ModelSearch: screen",
        "ModelSearch: tune",
    ]
    assert "\r" not in stream.getvalue()
    assert len(lines) == 3


def test_a_disabled_bar_writes_nothing():
    stream = _Terminal()
    progress = Progress("ModelSearch", enabled=False, stream=stream)
    progress.stage("screen", 2)
    progress.advance(2)
    progress.close("done")
    assert stream.getvalue() == ""
