"""ModelSearch on a Dask cluster through joblib: the same search, with the cluster doing the work."""

import re

import joblib
import pandas as pd
import pytest
from distributed import Client, LocalCluster, get_task_stream

from mlkit import ModelSearch
from mlkit.datasets import make_churn

FAMILIES = ["logistic_regression", "decision_tree", "naive_bayes"]
N_ITER, CV = 2, 3
# joblib names each task it sends to Dask after the batch of calls it runs
BATCH_KEY = re.compile(r"^batch_of_evaluate_(\d+)_calls-")


def _search() -> ModelSearch:
    return ModelSearch(
        families=FAMILIES, n_iter=N_ITER, cv=CV, ensembles=False, progress=False, random_state=0
    )


def _untimed(table: pd.DataFrame) -> pd.DataFrame:
    """The table without its measured times, which differ from run to run."""
    return table.drop(columns=[c for c in table.columns if c.endswith("_time")])


@pytest.fixture(scope="module")
def churn_small():
    df = make_churn(300, random_state=3)
    return df.drop(columns="churned"), df["churned"]


@pytest.fixture(scope="module")
def client():
    # in-process scheduler and one threaded worker: starts in well under a second
    with (
        LocalCluster(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def test_a_search_on_a_dask_cluster_matches_the_default_backend(client, churn_small):
    X, y = churn_small
    local = _search().fit(X, y).result_
    with get_task_stream(client) as stream, joblib.parallel_config(backend="dask"):
        on_dask = _search().fit(X, y).result_

    # the cluster ran the cross-validation: screening alone is one evaluate call per family
    # and fold, and tuning adds more
    evaluated = sum(int(m[1]) for t in stream.data if (m := BATCH_KEY.match(t["key"])))
    assert evaluated > len(FAMILIES) * CV

    assert on_dask.chosen == local.chosen
    assert on_dask.chosen_score == pytest.approx(local.chosen_score)
    pd.testing.assert_frame_equal(_untimed(on_dask.leaderboard), _untimed(local.leaderboard))
    assert on_dask.tuning.keys() == local.tuning.keys()
    for family, tuning in local.tuning.items():
        # every trial's parameters and scores; an exact tie in score (here naive_bayes's two
        # trials) goes to the earlier trial, never to a measured time
        pd.testing.assert_frame_equal(
            _untimed(on_dask.tuning[family].trials), _untimed(tuning.trials)
        )
        assert on_dask.tuning[family].best_params == tuning.best_params
        assert on_dask.tuning[family].best_score == pytest.approx(tuning.best_score)
