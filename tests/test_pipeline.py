"""Pipeline: raw frame to an accepted, packaged, monitored model in one call."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import mlkit
from mlkit import Cleaner, FeatureBuilder, ModelSearch, Pipeline, PipelineRun, Relative
from mlkit.datasets import TARGETS, make_churn
from mlkit.exceptions import AcceptanceError, ConfigurationError, DataError


def quick_search(**params):
    settings = {
        "families": ["logistic_regression", "decision_tree"],
        "n_iter": 1,
        "cv": 3,
        "ensembles": False,
        "progress": False,
    }
    return ModelSearch(**{**settings, **params})


@pytest.fixture(scope="module")
def churn_600():
    return make_churn(600, random_state=0)


@pytest.fixture(scope="module")
def run(churn_600):
    return Pipeline(target="churned", search=quick_search()).fit(churn_600)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_every_task_runs_end_to_end_to_a_loaded_model(task, tmp_path):
    target = TARGETS[task]
    df = make_churn(600, task=task, random_state=1)
    families = ["ridge"] if task == "regression" else ["logistic_regression"]
    run = Pipeline(target=target, search=quick_search(families=families)).fit(df)
    assert run.search.task == task
    assert run.verdict.passed
    assert run.split.n_test > 0 and run.split.n_train > run.split.n_test
    artifact = run.package(tmp_path, name="model", version="1.0.0")
    model = mlkit.load(artifact.path)
    fresh = make_churn(200, task=task, random_state=2)
    assert len(model.predict(fresh.drop(columns=target))) == 200
    report = model.monitor(fresh.drop(columns=target), fresh[target])
    assert report.predictions  # the monitor was fitted with the model's outputs
    assert report.performance[0].baseline == pytest.approx(
        run.verdict.metrics[report.performance[0].metric]
    )


@pytest.mark.parametrize(
    "labels",
    [("no", "yes"), (False, True), (-1, 1), ("stay", "leave")],
    ids=["yes-no", "bool", "minus-one", "words"],
)
def test_binary_targets_of_any_labels_train_package_and_monitor(labels, tmp_path):
    df = make_churn(500, random_state=5)
    df["churned"] = df["churned"].map(dict(enumerate(labels)))
    run = Pipeline(target="churned", search=quick_search()).fit(df)
    assert run.verdict.passed
    assert set(run.verdict.metrics) >= {"roc_auc", "f1", "balanced_accuracy"}
    model = mlkit.load(run.package(tmp_path, name="m", version="1.0.0").path)
    fresh = make_churn(200, random_state=6)
    fresh["churned"] = fresh["churned"].map(dict(enumerate(labels)))
    assert set(model.predict(fresh.drop(columns="churned"))) <= set(labels)
    report = model.monitor(fresh.drop(columns="churned"), fresh["churned"])
    assert {change.metric for change in report.performance} >= {"roc_auc"}


def test_a_classifier_without_probabilities_ships_and_is_monitored(churn_600, tmp_path):
    from mlkit._performance import baseline_metrics

    search = quick_search(families=["linear_svm"])
    run = Pipeline(target="churned", search=search).fit(churn_600)
    assert run.verdict.passed  # ROC AUC from the decision function
    assert "test_neg_log_loss" not in run.metrics  # needs probabilities: left out, not NaN
    model = mlkit.load(run.package(tmp_path, name="svm", version="1.0.0").path)
    fresh = make_churn(300, random_state=7)
    report = model.monitor(fresh.drop(columns="churned"), fresh["churned"])
    assert [change.metric for change in report.performance] == ["balanced_accuracy"]
    assert report.performance[0].baseline == pytest.approx(
        run.verdict.metrics["balanced_accuracy"]
    )
    assert baseline_metrics({"roc_auc": None, "test_balanced_accuracy": 0.7}) == {
        "balanced_accuracy": 0.7
    }


def test_the_held_back_rows_never_reach_the_search(run):
    assert set(run.split.train.index).isdisjoint(run.split.test.index)
    assert run.search.model is not None
    assert run.model is run.search.model  # refit="train": the model tested is the one shipped


def test_run_reports_and_metrics(run, tmp_path):
    assert isinstance(run, PipelineRun)
    assert run.metrics[f"cv_{run.search.primary}_mean"] == run.search.selection.chosen.score_mean
    assert run.metrics["test_roc_auc"] == run.verdict.metrics["roc_auc"]
    data = run.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["rows"]["train"] + data["rows"]["test"] == run.rows.frame.shape[0]
    assert set(run.timings) >= {"profile", "split", "search", "acceptance", "monitor", "total"}
    html = run.to_html(tmp_path / "run.html").read_text()
    assert "Acceptance test" in html and "Model search" in html and "Profile" in html
    assert "Model card" in html and "Input contract" in html
    assert "accepted=True" in repr(run)


def test_a_failed_acceptance_writes_nothing_unless_forced(churn_600, tmp_path):
    strict = Pipeline(target="churned", search=quick_search(), acceptance={"roc_auc": 0.999})
    run = strict.fit(churn_600)
    assert not run.verdict.passed
    with pytest.raises(AcceptanceError, match="failed its acceptance test"):
        run.package(tmp_path, name="churn", version="1.0.0")
    assert list(tmp_path.iterdir()) == []
    forced = run.package(tmp_path, name="churn", version="1.0.0", force=True)
    assert forced.manifest.acceptance["passed"] is False
    assert "FAILED" in mlkit.load(forced.path).card


def test_relative_acceptance_against_the_dummy(churn_600):
    run = Pipeline(
        target="churned", search=quick_search(), acceptance={"roc_auc": Relative(0.1)}
    ).fit(churn_600)
    assert run.verdict.checks[0].threshold == pytest.approx(0.6)


def test_same_seed_and_data_give_the_same_leaderboard_choice_and_model_hash(churn_600, tmp_path):
    pipeline = Pipeline(target="churned", search=quick_search())
    first, second = pipeline.fit(churn_600), pipeline.fit(churn_600)
    untimed = [c for c in first.search.leaderboard.columns if "time" not in c]
    pd.testing.assert_frame_equal(
        first.search.leaderboard[untimed], second.search.leaderboard[untimed]
    )
    assert first.search.chosen == second.search.chosen
    hashes = [
        r.package(tmp_path / str(i), name="churn", version="1.0.0").manifest.members["model.skops"]
        for i, r in enumerate((first, second))
        if (tmp_path / str(i)).mkdir() is None
    ]
    assert hashes[0] == hashes[1]


def test_refit_all_trains_the_accepted_model_on_every_row(churn_600, tmp_path):
    run = Pipeline(target="churned", search=quick_search(), refit="all").fit(churn_600)
    assert run.model is not run.search.model
    assert "refit" in run.timings
    artifact = run.package(tmp_path, name="churn", version="1.0.0")
    assert artifact.manifest.fingerprint["rows"] == run.split.n_train + run.split.n_test


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"x": [1, 2, 3]}), "missing_target|target column is missing"),
        (pd.DataFrame({"x": range(20), "churned": [1] * 20}), "at least two"),
        (pd.DataFrame({"x": [], "churned": []}), "no rows"),
        ([[1, 2]], "DataFrame"),
    ],
    ids=["no-target", "one-class", "empty", "not-a-frame"],
)
def test_bad_frames_get_data_errors(frame, match):
    with pytest.raises(DataError, match=match):
        Pipeline(target="churned", search=quick_search()).fit(frame)


def test_the_pipelines_cleaner_and_features_go_inside_every_model(churn_600):
    cleaner = Cleaner(drop=["city"], outliers=None)
    features = FeatureBuilder(max_onehot=3, datetime_parts=("year",))
    pipeline = Pipeline(
        target="churned", cleaner=cleaner, features=features, search=quick_search()
    )
    run = pipeline.fit(churn_600)
    fitted = run.model.named_steps
    assert fitted["cleaner"].get_params()["drop"] == ["city"]
    assert fitted["features"].get_params()["max_onehot"] == 3
    assert fitted["cleaner"] is not cleaner and not hasattr(cleaner, "n_features_in_")
    assert not any(name.startswith("city") for name in fitted["features"].get_feature_names_out())
    assert pipeline.search.cleaner is None  # the configuration is left as it was given


@pytest.mark.parametrize("step", ["cleaner", "features"])
def test_a_step_given_to_both_the_pipeline_and_its_search_is_refused(step):
    given = {"cleaner": Cleaner(), "features": FeatureBuilder()}[step]
    with pytest.raises(ConfigurationError, match=f"give it once.*{step}="):
        Pipeline(target="churned", search=quick_search(**{step: given}), **{step: given})


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"target": ""}, "'target'"),
        ({"target": "y", "cleaner": "auto"}, "'cleaner'.*Cleaner"),
        ({"target": "y", "features": object()}, "'features'.*FeatureBuilder"),
        ({"target": "y", "search": "fast"}, "'search'"),
        ({"target": "y", "monitor": object()}, "'monitor'"),
        ({"target": "y", "refit": "everything"}, "'refit'"),
        ({"target": "y", "acceptance": {"roc_auc": "high"}}, "'acceptance'"),
    ],
)
def test_bad_settings_get_configuration_errors(params, match):
    with pytest.raises(ConfigurationError, match=match):
        Pipeline(**params)


@pytest.fixture(scope="module")
def champion(tmp_path_factory):
    run = Pipeline(target="churned", search=quick_search(families=["logistic_regression"])).fit(
        make_churn(2_000, random_state=0)
    )
    folder = tmp_path_factory.mktemp("champion")
    return mlkit.load(run.package(folder, name="churn", version="1.0.0").path)


def test_a_better_or_equal_challenger_ships_as_the_next_version(champion, tmp_path):
    challenger = Pipeline(
        target="churned", search=quick_search(families=["logistic_regression"])
    ).retrain(make_churn(1_500, random_state=5), champion=champion)
    assert challenger.champion is champion
    versus = challenger.champion_verdict
    assert versus.baseline == "champion churn 1.0.0"
    assert versus.checks[0].metric == "roc_auc"
    assert versus.passed and challenger.promoted
    artifact = challenger.package(tmp_path, name="churn", version="1.1.0")
    assert artifact.manifest.parent["version"] == "1.0.0"
    assert artifact.manifest.parent["name"] == "churn"
    assert challenger.to_dict()["promoted"] is True
    assert "Against the champion" in challenger._repr_html_()
    with pytest.raises(ConfigurationError, match="newer than its champion"):
        challenger.package(tmp_path, name="churn", version="1.0.0", overwrite=True)


def test_a_worse_challenger_is_not_packaged_unless_forced(champion, tmp_path):
    challenger = Pipeline(
        target="churned", search=quick_search(families=["decision_tree"])
    ).retrain(make_churn(1_500, random_state=5), champion=champion.path)
    assert challenger.verdict.passed  # it beats the dummy...
    assert not challenger.champion_verdict.passed  # ...but not the model in service
    assert not challenger.promoted
    with pytest.raises(AcceptanceError, match="worse than its champion"):
        challenger.package(tmp_path, name="churn", version="1.1.0")
    assert list(tmp_path.iterdir()) == []
    forced = challenger.package(tmp_path, name="churn", version="1.1.0", force=True)
    assert forced.manifest.parent["version"] == "1.0.0"


def test_retrain_refuses_what_cannot_be_compared(champion):
    pipeline = Pipeline(target="churned", search=quick_search(families=["logistic_regression"]))
    with pytest.raises(ConfigurationError, match="'champion'"):
        pipeline.retrain(make_churn(500), champion=42)
    with pytest.raises(DataError, match="'age'"):
        pipeline.retrain(make_churn(500).drop(columns="age"), champion=champion)


def test_a_forced_challenger_artifact_records_that_it_lost(champion, tmp_path):
    challenger = Pipeline(
        target="churned", search=quick_search(families=["decision_tree"])
    ).retrain(make_churn(1_500, random_state=5), champion=champion)
    forced = challenger.package(tmp_path, name="churn", version="1.1.0", force=True)
    recorded = forced.manifest.acceptance
    assert recorded["passed"] is False
    assert any("against the champion churn 1.0.0" in c["metric"] for c in recorded["checks"])
    assert "champion churn 1.0.0's" in challenger.champion_verdict.checks[0].rule


def test_retrain_tolerance_lets_a_challenger_within_it_ship(champion):
    lenient = Pipeline(target="churned", search=quick_search(families=["decision_tree"])).retrain(
        make_churn(1_500, random_state=5), champion=champion, tolerance=0.5
    )
    assert lenient.champion_verdict.passed
    with pytest.raises(ConfigurationError, match="'tolerance'"):
        Pipeline(target="churned").retrain(make_churn(100), champion=champion, tolerance=-1)


@pytest.mark.parametrize("version", ["1.0.1rc1", "1.0.post1", "1!0.1"])
def test_newer_versions_follow_pep_440_order(champion, version, tmp_path):
    run = Pipeline(
        target="churned", search=quick_search(families=["logistic_regression"])
    ).retrain(make_churn(1_500, random_state=5), champion=champion, tolerance=0.5)
    assert run.package(tmp_path, name="churn", version=version).manifest.version == version


def test_an_unknown_acceptance_metric_is_refused_before_the_search(churn_600, monkeypatch):
    def no_search(*args, **kwargs):
        raise AssertionError("the search ran")

    monkeypatch.setattr(ModelSearch, "fit", no_search)
    with pytest.raises(ConfigurationError, match=r"\['auc'\]"):
        Pipeline(target="churned", search=quick_search(), acceptance={"auc": 0.7}).fit(churn_600)
