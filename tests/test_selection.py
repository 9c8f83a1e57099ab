"""Selection: the one-standard-error rule against the best mean, and how ties break."""

import math

import pytest

from mlkit._selection import Finalist, select


def _finalist(name, mean, std, *, simplicity, kind="tuned", predict_time=0.01):
    return Finalist(
        name=name,
        kind=kind,
        score_mean=mean,
        score_std=std,
        n_folds=4,
        predict_time=predict_time,
        simplicity=simplicity,
    )


@pytest.fixture
def race():
    return [
        _finalist("boosting", 0.80, 0.04, simplicity=7),
        _finalist("ridge", 0.79, 0.02, simplicity=0, kind="baseline"),  # within 0.04 / 2
        _finalist("forest", 0.70, 0.02, simplicity=5),
        _finalist("stacking", 0.805, 0.06, simplicity=100, kind="ensemble"),
    ]


def test_one_se_picks_the_simplest_model_within_one_standard_error_of_the_best(race):
    selection = select(race, rule="one_se")
    assert selection.chosen.name == "ridge"
    table = selection.table
    assert table["in_band"].to_dict() == {
        "boosting": True,
        "ridge": True,
        "forest": False,
        "stacking": True,
    }
    assert table.loc["ridge", "chosen"]
    assert "within one standard error (0.03)" in table.loc["ridge", "reason"]
    assert "stacking" in table.loc["ridge", "reason"]
    assert "more than one standard error" in table.loc["forest", "reason"]


def test_best_picks_the_highest_mean(race):
    selection = select(race, rule="best")
    assert selection.chosen.name == "stacking"
    assert selection.table.loc["stacking", "reason"] == "highest mean score"


def test_exact_ties_go_to_the_steadier_then_the_faster():
    tied = [
        _finalist("a", 0.9, 0.05, simplicity=1),
        _finalist("b", 0.9, 0.01, simplicity=2, predict_time=0.5),
        _finalist("c", 0.9, 0.01, simplicity=3, predict_time=0.1),
    ]
    assert select(tied, rule="best").chosen.name == "c"


def test_a_finalist_without_a_score_never_wins():
    race = [
        _finalist("broken", math.nan, math.nan, simplicity=0),
        _finalist("fine", 0.7, 0.01, simplicity=1),
    ]
    selection = select(race, rule="one_se")
    assert selection.chosen.name == "fine"
    assert selection.table.loc["broken", "reason"] == "no score to compare"
