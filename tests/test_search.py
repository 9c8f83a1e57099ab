"""ModelSearch end to end on small data: every stage runs and the result says what happened."""

import json

import numpy as np
import pytest

from mlkit import Splitter
from mlkit._search import ModelSearch
from mlkit.datasets import make_churn
from mlkit.exceptions import ConfigurationError

FAST = ["logistic_regression", "naive_bayes", "decision_tree", "k_nearest_neighbours"]


@pytest.fixture(scope="module")
def churn_small():
    df = make_churn(400, random_state=7)
    return df.drop(columns="churned"), df["churned"]


@pytest.fixture(scope="module")
def fitted(churn_small):
    X, y = churn_small
    return ModelSearch(families=FAST, n_iter=3, cv=3, progress=False).fit(X, y)


def test_every_stage_is_in_the_result(fitted, churn_small):
    X, y = churn_small
    result = fitted.result_
    assert result.task == "binary"
    assert result.primary == "roc_auc"
    assert set(result.leaderboard.index) | set(result.screening.skipped) == set(FAST)
    admitted = [c.model for c in result.shortlist if c.admitted]
    assert set(result.tuning) == set(admitted)
    assert all(len(t.trials) == 3 for t in result.tuning.values())
    assert result.ensembles is not None
    finalists = set(result.tuning) | set(result.ensembles.kept) | {"logistic_regression"}
    assert result.chosen in finalists
    assert set(result.selection.table.index) <= finalists
    assert set(result.timings) == {"screen", "analyse", "tune", "ensemble", "refit", "total"}
    assert all(t.trials.loc[0, "source"] == "screening" for t in result.tuning.values())
    json.dumps(result.to_dict(), allow_nan=False)
    assert fitted.predict(X).shape == (len(X),)
    assert fitted.predict_proba(X).shape == (len(X), 2)
    assert 0.5 < fitted.score(X, y) <= 1.0


def test_the_chosen_model_is_within_one_standard_error_of_the_best_finalist(fitted):
    result = fitted.result_
    table = result.selection.table
    best = table["score_mean"].idxmax()
    se = table.loc[best, "score_std"] / np.sqrt(3)
    assert result.selection.rule == "one_se"
    assert result.chosen_score >= table.loc[best, "score_mean"] - se - 1e-12
    chosen = table.index[table["chosen"]].tolist()
    assert chosen == [result.chosen]


def test_selecting_the_best_mean_never_chooses_below_the_screened_best(churn_small):
    X, y = churn_small
    search = ModelSearch(
        families=FAST, n_iter=2, cv=3, selection="best", ensembles=False, progress=False
    )
    result = search.fit(X, y).result_
    best_screened = result.leaderboard[f"{result.primary}_mean"].iloc[0]
    assert result.chosen_score >= best_screened - 1e-12
    assert result.chosen_score == result.selection.table["score_mean"].max()


def test_the_simple_baseline_stays_in_the_final_race(churn_small):
    X, y = churn_small
    search = ModelSearch(
        families=["logistic_regression", "decision_tree", "naive_bayes", "k_nearest_neighbours"],
        n_iter=2,
        cv=3,
        ensembles=False,
        progress=False,
    ).fit(X, y)
    result = search.result_
    assert "logistic_regression" in result.selection.table.index
    kinds = result.selection.table["kind"].to_dict()
    expected = "tuned" if "logistic_regression" in result.tuning else "baseline"
    assert kinds["logistic_regression"] == expected


def test_same_seed_same_search(churn_small, fitted):
    X, y = churn_small
    again = ModelSearch(families=FAST, n_iter=3, cv=3, progress=False).fit(X, y)
    assert again.result_.chosen == fitted.result_.chosen
    np.testing.assert_allclose(
        again.result_.leaderboard["roc_auc_mean"], fitted.result_.leaderboard["roc_auc_mean"]
    )


def test_regression_without_ensembles():
    df = make_churn(400, task="regression", random_state=8)
    X, y = df.drop(columns="next_year_spend"), df["next_year_spend"]
    search = ModelSearch(
        families=["ridge", "decision_tree"],
        n_iter=2,
        cv=Splitter(n_splits=3),
        ensembles=False,
        progress=False,
    ).fit(X, y)
    assert search.result_.primary == "neg_root_mean_squared_error"
    assert search.result_.ensembles is None
    assert search.predict(X).shape == (400,)


def test_a_tiny_time_budget_still_gives_a_model_and_says_what_it_skipped(churn_small):
    X, y = churn_small
    search = ModelSearch(families=FAST, n_iter=50, cv=3, time_budget=0.01, progress=False)
    result = search.fit(X, y).result_
    assert list(result.leaderboard.index) == ["logistic_regression"]  # the first always runs
    reasons = result.screening.skipped
    assert set(reasons) == set(FAST) - {"logistic_regression"}
    assert all(
        reason.startswith("time budget: the screening time was spent")
        for reason in reasons.values()
    )
    assert all(t.stopped_early and len(t.trials) == 1 for t in result.tuning.values())
    assert result.ensembles is None
    assert search.predict(X).shape == (len(X),)


def test_ensembles_that_do_not_fit_in_the_budget_are_listed_with_the_reason(churn_small):
    from mlkit._budget import Budget
    from mlkit._scoring import resolve_scoring
    from mlkit._search import _Run

    X, y = churn_small
    primary, scorers = resolve_scoring(None, "binary")
    search = ModelSearch(families=FAST, cv=3, time_budget=5.0, progress=False)
    run = _Run(search, X, y, "binary", primary, scorers, Budget(5.0))
    candidates = {"soft_voting": object(), "stacking": object(), "bagging": object()}
    affordable, skipped = run._affordable(candidates, [0.3, 0.2])
    assert list(affordable) == ["soft_voting"]
    assert set(skipped) == {"stacking", "bagging"}
    assert skipped["bagging"].startswith("time budget: it needs about")


def test_the_progress_bar_shows_each_stage_and_can_be_turned_off(churn_small, capsys):
    X, y = churn_small
    options = {"families": ["naive_bayes", "decision_tree"], "n_iter": 2, "cv": 3}
    ModelSearch(**options, progress=True).fit(X, y)
    shown = capsys.readouterr().err
    for stage in ["screen", "tune", "ensemble", "refit"]:
        assert f"ModelSearch: {stage} (" in shown
    assert "ModelSearch: chose " in shown
    ModelSearch(**options, progress=False).fit(X, y)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"families": ["boosted_magic"]}, "unknown families \\['boosted_magic'\\]"),
        ({"cv": "five"}, "The 'cv' parameter of ModelSearch must be an int or a Splitter"),
        ({"n_iter": 0}, "The 'n_iter' parameter"),
        ({"halving": "yes"}, "The 'halving' parameter of ModelSearch must be a bool"),
        ({"selection": "luck"}, "The 'selection' parameter of ModelSearch must be one of"),
        ({"progress": 1}, "The 'progress' parameter of ModelSearch must be a bool"),
    ],
)
def test_bad_parameters(churn_small, params, match):
    X, y = churn_small
    with pytest.raises(ConfigurationError, match=match):
        ModelSearch(**params).fit(X, y)


def test_a_target_is_required(churn_small):
    X, _ = churn_small
    with pytest.raises(ConfigurationError, match="needs the target"):
        ModelSearch().fit(X, None)


def test_the_result_runs_the_acceptance_test_on_held_back_rows(fitted):
    from mlkit._acceptance import Relative

    test = make_churn(300, random_state=11)
    X_test, y_test = test.drop(columns="churned"), test["churned"]
    verdict = fitted.result_.accept(X_test, y_test, thresholds={"roc_auc": Relative(by=0.05)})
    assert verdict.baseline == "dummy"
    assert verdict.baseline_metrics["roc_auc"] == 0.5
    assert verdict.passed
    failed = fitted.result_.accept(X_test, y_test, thresholds={"roc_auc": 0.999}, baseline=None)
    assert not failed.passed


def test_the_report_shows_every_stage(fitted, tmp_path):
    html = fitted.result_.to_html(tmp_path / "search.html").read_text(encoding="utf-8")
    for heading in [
        "Screening leaderboard",
        "Error analysis",
        "Confusion matrix",
        "Shortlist",
        "Tuning",
        "Ensembles against the best single model",
    ]:
        assert heading in html
    assert "<svg" in html  # the leaderboard's error bars and the error-correlation heatmap
    assert fitted.result_._repr_html_().startswith('<div class="mlkit-report">')


def test_halving_search_runs_and_records_rungs(churn_small):
    X, y = churn_small
    search = ModelSearch(
        families=["decision_tree", "naive_bayes"],
        n_iter=4,
        cv=3,
        halving=True,
        ensembles=False,
        progress=False,
    ).fit(X, y)
    assert all("rung" in t.trials.columns for t in search.result_.tuning.values())


@pytest.fixture(scope="module")
def churn_large():
    df = make_churn(7_600, random_state=4)
    return df.drop(columns="churned"), df["churned"]


def _run(X, y, **options):
    from mlkit._budget import Budget
    from mlkit._scoring import resolve_scoring
    from mlkit._search import _Run

    primary, scorers = resolve_scoring(None, "binary")
    search = ModelSearch(cv=3, progress=False, **options)
    return _Run(search, X, y, "binary", primary, scorers, Budget(search.time_budget))


def test_when_screening_every_row_would_not_fit_each_fold_trains_on_a_sample(churn_large):
    from mlkit._screen import CostCurve

    X, y = churn_large
    run = _run(X, y, time_budget=10.0)
    tests_before = [test.copy() for _, test in run.folds]
    half = run.n_train // 2
    assert half >= 2_500
    run._sample_folds({"slow": CostCurve(rows=2_500, seconds_at_rows=1.0, per_row=0.01)})
    assert run.sample_rows == run.n_train == half  # one halving: another would go below 2,500
    for (train, test), before in zip(run.folds, tests_before, strict=True):
        assert len(train) == half
        assert np.all(np.diff(train) > 0)  # sorted, no repeats
        assert not np.isin(train, test).any()
        np.testing.assert_array_equal(test, before)  # the test rows stay whole


def test_when_screening_every_row_fits_the_folds_stay_whole(churn_large):
    from mlkit._screen import CostCurve

    X, y = churn_large
    run = _run(X, y, time_budget=1_000.0)
    sizes = [len(train) for train, _ in run.folds]
    run._sample_folds({"quick": CostCurve(rows=2_500, seconds_at_rows=0.01, per_row=0.0)})
    assert run.sample_rows is None
    assert [len(train) for train, _ in run.folds] == sizes


def test_the_pilot_times_every_family_and_records_its_stage(churn_large):
    X, y = churn_large
    run = _run(X, y, time_budget=60.0, families=["naive_bayes", "logistic_regression"])
    curves = run._pilot(run.config._families("binary"))
    assert set(curves) == {"naive_bayes", "logistic_regression"}
    assert "pilot" in run.timings


def test_under_a_budget_the_baseline_and_boosting_are_screened_first():
    from mlkit._families import families
    from mlkit._search import _budget_order

    chosen = list(families("binary"))
    costs = {family.name: float(i) for i, family in enumerate(reversed(chosen))}
    ordered = [f.name for f in _budget_order(chosen, costs, "logistic_regression")]
    assert ordered[:2] == ["logistic_regression", "gradient_boosting"]
    rest = ordered[2:]
    assert rest == sorted(rest, key=costs.__getitem__)


@pytest.mark.parametrize("name", ["f1", "precision", "recall", "average_precision", "jaccard"])
def test_one_class_scorers_score_the_greater_label_of_a_text_target(name):
    from sklearn.linear_model import LogisticRegression

    from mlkit._scoring import resolve_scoring

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    words = np.where(X[:, 0] + rng.normal(scale=0.5, size=200) > 0, "yes", "no")
    numbers = (words == "yes").astype(int)
    _, by_word = resolve_scoring([name, "roc_auc"], "binary", positive="yes")
    _, by_number = resolve_scoring([name, "roc_auc"], "binary")
    as_words = LogisticRegression().fit(X, words)
    as_numbers = LogisticRegression().fit(X, numbers)
    assert by_word[name](as_words, X, words) == pytest.approx(
        by_number[name](as_numbers, X, numbers)
    )
    custom = lambda estimator, X, y: 0.5  # noqa: E731 - a user's own scorer is left alone
    assert resolve_scoring({"mine": custom}, "binary", positive="yes")[1]["mine"] is custom
