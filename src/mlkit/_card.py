"""The model card (``card.md``): intended use, data, metrics, acceptance and limits.

Written with skops' model card, which renders the sections and tables as
Markdown; mlkit fills them from what it knows at packaging time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from mlkit._acceptance import Verdict
    from mlkit._input_contract import InputContract
    from mlkit._packager import Packager
    from mlkit._profile import Profile

_DEFAULT_USE = (
    "Not stated by the author. Use the model only on rows drawn the way its training "
    "data was (see Training data), for the task described above."
)


def render_card(
    *,
    packager: Packager,
    pipeline: Any,
    X: pd.DataFrame,
    y: pd.Series | None,
    contract: InputContract,
    metrics: Mapping[str, float] | None,
    acceptance: Verdict | None,
    profile: Profile | None,
) -> str:
    """The model card as Markdown."""
    from skops.card import Card

    card = Card(pipeline, template=None, model_diagram=False)
    title = f"{packager.name} {packager.version}"
    card.add(
        **{
            f"Model card: {title}": _summary(pipeline, y),
            "Intended use": packager.intended_use or _DEFAULT_USE,
            "Training data": _data(X, y, profile),
        }
    )
    card.add_table(
        folded=False,
        **{
            "Input contract": {
                "column": [c.name for c in contract.columns],
                "trained as": [c.trained_dtype for c in contract.columns],
                "must coerce to": [c.dtype or "any value" for c in contract.columns],
            }
        },
    )
    if metrics:
        card.add_table(
            folded=False,
            **{
                "Metrics": {
                    "metric": [str(k) for k in metrics],
                    "value": [f"{float(v):.6g}" for v in metrics.values()],
                }
            },
        )
    card.add(**{"Acceptance test": _acceptance(acceptance)})
    card.add(**{"Limitations": _limits(packager, pipeline)})
    text: str = card.render()
    return text.strip() + "\n"


def _summary(pipeline: Any, y: pd.Series | None) -> str:
    steps = getattr(pipeline, "steps", None)
    chain = (
        " → ".join(type(step).__name__ for _, step in steps) if steps else type(pipeline).__name__
    )
    target = "" if y is None or y.name is None else f" The target is `{y.name}`."
    classes = getattr(pipeline, "classes_", None)
    task = (
        "regression"
        if classes is None
        else f"classification into {len(classes)} classes ({', '.join(map(str, classes))})"
    )
    return f"A scikit-learn pipeline, {chain}, for {task}.{target} Packaged by mlkit."


def _data(X: pd.DataFrame, y: pd.Series | None, profile: Profile | None) -> str:
    lines = [f"{len(X):,} rows and {X.shape[1]} input columns."]
    if y is not None and y.nunique() <= 20:
        shares = y.value_counts(normalize=True).sort_index()
        lines.append(
            "Target shares: " + ", ".join(f"{k}: {v:.1%}" for k, v in shares.items()) + "."
        )
    missing = X.isna().mean()
    if (missing > 0).any():
        worst = missing.sort_values(ascending=False).head(5)
        lines.append(
            "Most missing: " + ", ".join(f"`{k}` {v:.1%}" for k, v in worst.items() if v) + "."
        )
    if profile is not None and profile.alerts:
        scope = "" if profile.n_rows == len(X) else f" (on the {profile.n_rows:,} rows profiled)"
        lines.append(
            f"Profile alerts{scope}: "
            + "; ".join(alert.message for alert in profile.alerts[:10])
            + "."
        )
    return " ".join(lines)


def _acceptance(verdict: Verdict | None) -> str:
    if verdict is None:
        return "No acceptance test was recorded when the model was packaged."
    outcome = "**Passed**" if verdict.passed else "**FAILED** (packaged anyway, with force=True)"
    checks = "; ".join(
        f"{c.metric} = {c.value:.4g} ({'pass' if c.passed else 'fail'}: needs {c.rule})"
        for c in verdict.checks
    )
    return f"{outcome}. {checks or 'No thresholds were set.'}"


def _limits(packager: Packager, pipeline: Any) -> str:
    known = [
        "Inputs must satisfy the input contract; rows with a missing column, a value "
        "that cannot be read as the trained type, or infinity are refused.",
        "Values outside the training range and unseen categories are accepted but are "
        "drift: the model has not learned from such rows, and they are counted.",
        "The model reflects the training data's period and population; monitor drift "
        "and retrain when it changes.",
    ]
    if type(getattr(pipeline, "steps", [[None, pipeline]])[-1][1]).__name__.startswith(
        "KNeighbors"
    ):
        known.append("A nearest-neighbours model stores its training rows in the artifact.")
    if packager.limitations:
        known.insert(0, packager.limitations)
    return "\n".join(f"- {item}" for item in known)
