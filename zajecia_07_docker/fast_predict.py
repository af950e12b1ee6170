"""Fast paths of the registered model: one flight with numpy, many on binned data.

The registered pipeline is exact but built for tables: for a single row, building a
DataFrame, running the ColumnTransformer and the trees' parallel loop costs tens of
milliseconds, nearly all of it overhead. :class:`CompiledForest` reads the fitted trees
once and evaluates all of them together with a few array operations per request:

1. every numeric split compares one number of the row with its threshold. Each numeric
   feature has two copies — with missing values as ``-inf`` (for splits that send
   missing values left: ``-inf <= t`` is true) and as ``nan`` (for the others:
   ``nan <= t`` is false, even for the threshold ``inf`` that splits "known vs
   missing"). The splits are numbered by the copy they read, so the numbers to compare
   are one ``np.repeat`` of the row's copies, and one ``np.where`` gives every numeric
   split its next node;
2. the next nodes of the categorical splits do not depend on anything but the category:
   they are looked up per category once at load time, from the trees' bitsets;
3. a leaf points at itself; with every node's next node known, the trees are walked
   level by level together, and the leaf values are summed with the baseline and put
   through the logistic function.

Only the splits are compared (about half the nodes), without a gather by index: on a
model of 250 trees (15 250 nodes) this is about twice as fast as comparing every node.

For a batch, :class:`BinnedForest` does what the classifier does during training:
it maps the rows once to the model's own bins (one byte per value) and runs the trees'
compiled loop on them. It skips the pipeline's input validation, and one byte per value
keeps the data every tree reads in the CPU cache: about 1.6 times the pipeline's rows/s.

Both equal ``pipeline.predict_proba`` to floating-point rounding (tests check 10,000
real rows to 1e-9). They read private attributes of scikit-learn (``_predictors``,
``_preprocessor``, ``_bin_mapper``, ``_baseline_prediction``): the pin in ``uv.lock`` and
those tests guard the upgrade.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

# Bits per word of the trees' category bitsets (uint32), and categories per bitset.
WORD_BITS = 32
MAX_CATEGORIES = 256
# The column of a missing (or unknown) category in the tables of categorical splits.
MISSING = -1


class UnsupportedModel(ValueError):
    """The pipeline is not the shape the fast paths know (the one of ``train.py``)."""


def _parts(pipeline: Pipeline) -> tuple[ColumnTransformer, HistGradientBoostingClassifier]:
    encoder, model = pipeline.named_steps.get("features"), pipeline.named_steps.get("model")
    if (
        not isinstance(encoder, ColumnTransformer)
        or not isinstance(model, HistGradientBoostingClassifier)
        or model.n_trees_per_iteration_ != 1
        or model._preprocessor is None
    ):
        raise UnsupportedModel(
            "szybka ścieżka zna tylko pipeline z train.py: kodowanie kolumn i binarny "
            "HistGradientBoostingClassifier z cechami kategorycznymi"
        )
    return encoder, model


def _left_by_code(trees: list, tree_of: np.ndarray, nodes: np.ndarray, splits) -> np.ndarray:
    """Per categorical split, whether raw category code c goes left (column c); the last
    column (``MISSING``) is for a missing category."""
    codes = np.arange(MAX_CATEGORIES)
    words, bits = codes // WORD_BITS, codes % WORD_BITS
    known = np.array(
        [
            trees[tree_of[node]].raw_left_cat_bitsets[nodes["bitset_idx"][node]][words] >> bits & 1
            for node in splits
        ],
        dtype=bool,
    ).reshape(len(splits), MAX_CATEGORIES)
    return np.column_stack((known, nodes["missing_go_to_left"][splits] == 1))


def _logistic(raw: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-raw))


class BinnedForest:
    """Many flights at once, on the model's binned data (see the module docstring)."""

    def __init__(self, pipeline: Pipeline):
        self.encoder, self.model = _parts(pipeline)
        self.baseline = float(np.ravel(self.model._baseline_prediction)[0])

    def predict_proba(self, table: pd.DataFrame) -> np.ndarray:
        """Probabilities of the positive class for the rows of ``table`` (the features)."""
        # BEGIN SOLUTION: drzewa na przedziałach modelu
        model = self.model
        codes = model._preprocessor.transform(self.encoder.transform(table))
        binned = np.ascontiguousarray(model._bin_mapper.transform(codes))
        missing_bin = model._bin_mapper.missing_values_bin_idx_
        threads = _openmp_effective_n_threads()  # OMP_NUM_THREADS=1 in gunicorn workers
        raw = np.full(len(binned), self.baseline)
        for (tree,) in model._predictors:
            raw += tree.predict_binned(binned, missing_bin, threads)
        return _logistic(raw)
        # END SOLUTION


class CompiledForest:
    """One flight at a time, with a few numpy operations (see the module docstring)."""

    def __init__(self, pipeline: Pipeline):
        encoder, model = _parts(pipeline)
        names = [name.split("__", 1)[1] for name in encoder.get_feature_names_out()]
        is_categorical = dict(zip(names, model.is_categorical_, strict=True))
        self.categorical = [name for name in names if is_categorical[name]]
        self.numeric = [name for name in names if not is_categorical[name]]
        self.baseline = float(np.ravel(model._baseline_prediction)[0])
        trees = [predictors[0] for predictors in model._predictors]
        sizes = [len(tree.nodes) for tree in trees]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        nodes = np.concatenate([tree.nodes for tree in trees])
        shift = np.repeat(starts, sizes)
        left, right = nodes["left"] + shift, nodes["right"] + shift
        leaf = nodes["is_leaf"].astype(bool)
        categorical = nodes["is_categorical"].astype(bool) & ~leaf
        # The classifier's own preprocessing puts the categorical columns first; numeric
        # column i is read as copy i (missing = -inf) or i + width (missing = nan).
        width = len(self.numeric)
        copy = nodes["feature_idx"].astype(np.intp) - len(self.categorical)
        copy[nodes["missing_go_to_left"] == 0] += width
        numeric = np.flatnonzero(~leaf & ~categorical)
        numeric = numeric[np.argsort(copy[numeric], kind="stable")]
        by_feature = np.flatnonzero(categorical)
        by_feature = by_feature[np.argsort(nodes["feature_idx"][by_feature], kind="stable")]
        # New node numbers: numeric splits (by copy), categorical splits (by feature), leaves.
        order = np.concatenate((numeric, by_feature, np.flatnonzero(leaf)))
        position = np.empty(len(nodes), dtype=np.intp)
        position[order] = np.arange(len(nodes))
        self._copies = np.bincount(copy[numeric], minlength=2 * width)
        self._thresholds = nodes["num_threshold"][numeric].astype(np.float64)
        self._left, self._right = position[left[numeric]], position[right[numeric]]
        self._leaves = np.arange(len(numeric) + len(by_feature), len(nodes))
        self.roots = position[starts]
        self.depth = int(nodes["depth"].max())
        self.value = nodes["value"][order].astype(np.float64)
        goes_left = _left_by_code(trees, np.repeat(np.arange(len(trees)), sizes), nodes, by_feature)
        self._next_by_category = self._category_tables(
            pipeline,
            nodes["feature_idx"][by_feature],
            goes_left,
            position[left[by_feature]],
            position[right[by_feature]],
        )

    def _category_tables(self, pipeline, features, goes_left, left, right) -> list[dict]:
        """Per categorical feature: category -> the next node of each split on it.

        Computed once per category, through the same encoders as the pipeline's;
        ``None`` stands for a missing or unknown category.
        """
        outer = pipeline.named_steps["features"].named_transformers_["categories"]
        inner = pipeline.named_steps["model"]._preprocessor.named_transformers_["encoder"]
        tables = []
        for j, name in enumerate(self.categorical):
            mine = features == j
            go_left, to_left, to_right = goes_left[mine], left[mine], right[mine]
            inner_codes = {code: i for i, code in enumerate(inner.categories_[j])}
            known = outer.categories_[list(outer.feature_names_in_).index(name)]
            table = {
                category: np.where(
                    go_left[:, inner_codes.get(float(position), MISSING)], to_left, to_right
                )
                for position, category in enumerate(known)
            }
            table[None] = np.where(go_left[:, MISSING], to_left, to_right)
            tables.append(table)
        return tables

    def predict_proba(self, flight: Mapping[str, object]) -> float:
        """Probability of the positive class for one flight (features by name)."""
        # BEGIN SOLUTION: drzewa numpy dla jednego lotu
        numbers = np.array([flight[name] for name in self.numeric], dtype=np.float64)
        copies = np.concatenate((np.where(np.isnan(numbers), -np.inf, numbers), numbers))
        compared = np.repeat(copies, self._copies)
        blocks = [np.where(compared <= self._thresholds, self._left, self._right)]
        for name, table in zip(self.categorical, self._next_by_category, strict=True):
            blocks.append(table.get(flight[name], table[None]))
        blocks.append(self._leaves)
        following = np.concatenate(blocks)
        node = self.roots
        for _ in range(self.depth):
            node = following[node]
        return float(_logistic(self.baseline + self.value[node].sum()))
        # END SOLUTION
