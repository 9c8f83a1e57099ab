"""The model families a search screens, with their standard settings and tuning ranges.

Each :class:`Family` knows how to build its estimator with standard parameters
(class weights where the family supports them), the scipy.stats distributions
a random search draws its hyperparameters from, and when it cannot run on a
dataset (too many rows for a model whose cost grows with the square of the
rows, negative values for a model that forbids them), so a search can skip
it with the reason recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
from scipy import stats

__all__ = ["Family", "families", "skip_reason"]

_QUADRATIC_ROWS: Final = 20_000  # kernel and neighbour models beyond this are too slow
_LOG_C: Final = stats.loguniform(1e-3, 1e2)


@attrs.frozen(kw_only=True)
class Family:
    """One model family: how to build it, how to tune it, when it cannot run.

    Attributes
    ----------
    name : str
        Short name, as the leaderboard shows it.
    task : {"classification", "regression"}
        What it predicts.
    build : callable
        ``build(random_state, n_jobs)`` returns an unfitted estimator with
        standard parameters.
    distributions : mapping of str to distribution or list
        Hyperparameter ranges for random search, by estimator parameter name.
    max_rows : int or None
        Most training rows the family can take in reasonable time.
    non_negative : bool
        Whether it refuses negative feature values.
    """

    name: str
    task: str
    build: Callable[[int | None, int | None], Any]
    distributions: Mapping[str, Any]
    max_rows: int | None = None
    non_negative: bool = False


def skip_reason(family: Family, *, n_rows: int, smallest_value: float) -> str | None:
    """Why ``family`` cannot run on this data, or ``None`` when it can.

    Parameters
    ----------
    family : Family
        The family.
    n_rows : int
        Training rows.
    smallest_value : float
        The smallest feature value the model would see.

    Returns
    -------
    str or None
        The reason, in words, for the leaderboard.

    Examples
    --------
    >>> knn = next(f for f in families("binary") if f.name == "k_nearest_neighbours")
    >>> skip_reason(knn, n_rows=1_000_000, smallest_value=0.0)
    'too many rows: 1,000,000 > 20,000 for a model whose cost grows with rows squared'
    """
    if family.max_rows is not None and n_rows > family.max_rows:
        return (
            f"too many rows: {n_rows:,} > {family.max_rows:,} for a model whose cost grows "
            "with rows squared"
        )
    if family.non_negative and smallest_value < 0:
        return f"negative feature values (down to {smallest_value:.3g}); the model needs >= 0"
    return None


def families(task: str) -> tuple[Family, ...]:
    """The families screened for a task, simplest first.

    Parameters
    ----------
    task : {"binary", "multiclass", "regression"}
        The task.

    Returns
    -------
    tuple of Family
        Classification or regression families.

    Examples
    --------
    >>> [family.name for family in families("regression")][:3]
    ['ridge', 'elastic_net', 'k_nearest_neighbours']
    """
    return _REGRESSION if task == "regression" else _CLASSIFICATION


def _logistic(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2_000, class_weight="balanced", random_state=random_state)


def _knn_classifier(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=15, n_jobs=n_jobs)


def _naive_bayes(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.naive_bayes import GaussianNB

    return GaussianNB()


def _linear_svm(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.svm import LinearSVC

    return LinearSVC(
        class_weight="balanced", random_state=random_state, max_iter=5_000, dual="auto"
    )


def _tree_classifier(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(
        min_samples_leaf=5, class_weight="balanced", random_state=random_state
    )


def _forest_classifier(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(
        n_estimators=200, class_weight="balanced", random_state=random_state, n_jobs=n_jobs
    )


def _extra_trees_classifier(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.ensemble import ExtraTreesClassifier

    return ExtraTreesClassifier(
        n_estimators=200, class_weight="balanced", random_state=random_state, n_jobs=n_jobs
    )


def _boosting_classifier(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(class_weight="balanced", random_state=random_state)


def _mlp_classifier(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.neural_network import MLPClassifier

    return MLPClassifier(
        hidden_layer_sizes=(64,), early_stopping=True, max_iter=300, random_state=random_state
    )


def _ridge(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.linear_model import Ridge

    return Ridge(alpha=1.0)


def _elastic_net(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.linear_model import ElasticNet

    return ElasticNet(alpha=0.01, l1_ratio=0.5, max_iter=5_000, random_state=random_state)


def _knn_regressor(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.neighbors import KNeighborsRegressor

    return KNeighborsRegressor(n_neighbors=15, n_jobs=n_jobs)


def _linear_svr(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.svm import LinearSVR

    return LinearSVR(
        loss="squared_epsilon_insensitive", dual="auto", random_state=random_state, max_iter=5_000
    )


def _tree_regressor(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.tree import DecisionTreeRegressor

    return DecisionTreeRegressor(min_samples_leaf=5, random_state=random_state)


def _forest_regressor(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(n_estimators=200, random_state=random_state, n_jobs=n_jobs)


def _extra_trees_regressor(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.ensemble import ExtraTreesRegressor

    return ExtraTreesRegressor(n_estimators=200, random_state=random_state, n_jobs=n_jobs)


def _boosting_regressor(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(random_state=random_state)


def _mlp_regressor(random_state: int | None, n_jobs: int | None) -> Any:
    from sklearn.neural_network import MLPRegressor

    return MLPRegressor(
        hidden_layer_sizes=(64,), early_stopping=True, max_iter=300, random_state=random_state
    )


_TREE: Final = {
    "max_depth": stats.randint(2, 21),
    "min_samples_leaf": stats.randint(1, 51),
}
_FOREST: Final = {
    "n_estimators": stats.randint(100, 401),
    "max_features": stats.uniform(0.1, 0.8),
    "min_samples_leaf": stats.randint(1, 21),
}
_BOOSTING: Final = {
    "learning_rate": stats.loguniform(0.01, 0.3),
    "max_leaf_nodes": stats.randint(15, 128),
    "min_samples_leaf": stats.randint(5, 101),
    "l2_regularization": stats.loguniform(1e-6, 10.0),
}
_MLP: Final = {
    "hidden_layer_sizes": [(32,), (64,), (128,), (64, 32)],
    "alpha": stats.loguniform(1e-6, 1e-1),
    "learning_rate_init": stats.loguniform(1e-4, 1e-2),
}
_KNN: Final = {"n_neighbors": stats.randint(3, 51), "weights": ["uniform", "distance"]}

_CLASSIFICATION: Final = (
    Family(
        name="logistic_regression",
        task="classification",
        build=_logistic,
        distributions={"C": _LOG_C},
    ),
    Family(
        name="k_nearest_neighbours",
        task="classification",
        build=_knn_classifier,
        distributions=_KNN,
        max_rows=_QUADRATIC_ROWS,
    ),
    Family(
        name="naive_bayes",
        task="classification",
        build=_naive_bayes,
        distributions={"var_smoothing": stats.loguniform(1e-12, 1e-6)},
    ),
    Family(
        name="linear_svm", task="classification", build=_linear_svm, distributions={"C": _LOG_C}
    ),
    Family(
        name="decision_tree", task="classification", build=_tree_classifier, distributions=_TREE
    ),
    Family(
        name="random_forest",
        task="classification",
        build=_forest_classifier,
        distributions=_FOREST,
    ),
    Family(
        name="extra_trees",
        task="classification",
        build=_extra_trees_classifier,
        distributions=_FOREST,
    ),
    Family(
        name="gradient_boosting",
        task="classification",
        build=_boosting_classifier,
        distributions=_BOOSTING,
    ),
    Family(name="neural_net", task="classification", build=_mlp_classifier, distributions=_MLP),
)

_REGRESSION: Final = (
    Family(
        name="ridge",
        task="regression",
        build=_ridge,
        distributions={"alpha": stats.loguniform(1e-3, 1e3)},
    ),
    Family(
        name="elastic_net",
        task="regression",
        build=_elastic_net,
        distributions={"alpha": stats.loguniform(1e-4, 10.0), "l1_ratio": stats.uniform(0, 1)},
    ),
    Family(
        name="k_nearest_neighbours",
        task="regression",
        build=_knn_regressor,
        distributions=_KNN,
        max_rows=_QUADRATIC_ROWS,
    ),
    Family(name="linear_svr", task="regression", build=_linear_svr, distributions={"C": _LOG_C}),
    Family(name="decision_tree", task="regression", build=_tree_regressor, distributions=_TREE),
    Family(
        name="random_forest", task="regression", build=_forest_regressor, distributions=_FOREST
    ),
    Family(
        name="extra_trees", task="regression", build=_extra_trees_regressor, distributions=_FOREST
    ),
    Family(
        name="gradient_boosting",
        task="regression",
        build=_boosting_regressor,
        distributions=_BOOSTING,
    ),
    Family(name="neural_net", task="regression", build=_mlp_regressor, distributions=_MLP),
)
