"""Fast paths of the registered model: one flight with numpy, many on binned data.

The registered pipeline is exact but built for tables: for a single row, building a
DataFrame, running the ColumnTransformer and the trees' parallel loop costs tens of
milliseconds, nearly all of it overhead. :class:`CompiledForest` reads the fitted trees
once and evaluates all of them together with a few array operations per request:

1. every split node of every tree compares one number with its threshold. The row
   becomes one vector ``x`` such that each node reads its own slot of it:
   numeric features appear twice — with missing values as ``-inf`` (for nodes that send
   missing values left: ``-inf <= t`` is true) and as ``nan`` (for the others:
   ``nan <= t`` is false, even for the threshold ``inf`` that splits "known vs
   missing"). Categorical splits become 0/1 slots, looked up per category once at load
   time;
2. all node decisions are computed at once, giving each node its next node (a leaf
   points at itself), and the trees are walked level by level together;
3. the leaf values are summed with the baseline and put through the logistic function.

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


def _logistic(raw: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-raw))


class BinnedForest:
    """Many flights at once, on the model's binned data (see the module docstring)."""

    def __init__(self, pipeline: Pipeline):
        self.encoder, self.model = _parts(pipeline)
        self.baseline = float(np.ravel(self.model._baseline_prediction)[0])

    def predict_proba(self, table: pd.DataFrame) -> np.ndarray:
        """Probabilities of the positive class for the rows of ``table`` (the features)."""
        model = self.model
        codes = model._preprocessor.transform(self.encoder.transform(table))
        binned = np.ascontiguousarray(model._bin_mapper.transform(codes))
        missing_bin = model._bin_mapper.missing_values_bin_idx_
        threads = _openmp_effective_n_threads()  # OMP_NUM_THREADS=1 in gunicorn workers
        raw = np.full(len(binned), self.baseline)
        for (tree,) in model._predictors:
            raw += tree.predict_binned(binned, missing_bin, threads)
        return _logistic(raw)


class CompiledForest:
    def __init__(self, pipeline: Pipeline):
        encoder, model = _parts(pipeline)
        names = [name.split("__", 1)[1] for name in encoder.get_feature_names_out()]
        is_categorical = dict(zip(names, model.is_categorical_, strict=True))
        self.categorical = [name for name in names if is_categorical[name]]
        self.numeric = [name for name in names if not is_categorical[name]]
        # The classifier's own preprocessing puts the categorical columns first.
        tree_columns = {name: i for i, name in enumerate(self.categorical + self.numeric)}
        self.baseline = float(np.ravel(model._baseline_prediction)[0])
        self._compile([predictors[0] for predictors in model._predictors], tree_columns)
        self._category_slots = self._category_tables(pipeline, tree_columns)

    def _compile(self, trees: list, tree_columns: dict[str, int]) -> None:
        sizes = [len(tree.nodes) for tree in trees]
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        nodes = np.concatenate([tree.nodes for tree in trees])
        leaf = nodes["is_leaf"].astype(bool)
        categorical = nodes["is_categorical"].astype(bool) & ~leaf
        here = np.arange(len(nodes))
        shift = np.repeat(starts, sizes)
        self.left = np.where(leaf, here, nodes["left"] + shift).astype(np.intp)
        self.right = np.where(leaf, here, nodes["right"] + shift).astype(np.intp)
        # Tree column -> numeric slot: first copy (missing = -inf), second (missing = nan).
        numeric_columns = np.array([tree_columns[n] for n in self.numeric])
        slot_of_column = np.full(len(tree_columns), -1)
        slot_of_column[numeric_columns] = np.arange(len(numeric_columns))
        feature = nodes["feature_idx"].astype(np.intp)
        missing_left = nodes["missing_go_to_left"].astype(bool)
        width = len(self.numeric)
        self.slot = np.where(missing_left, slot_of_column[feature], slot_of_column[feature] + width)
        self.threshold = nodes["num_threshold"].astype(np.float64)
        self.slot[leaf] = 0
        # Categorical split k reads slot 2*width + k, holding 0 (go left) or 1 (go right);
        # sorted by feature, so that each feature's splits take one contiguous block.
        split_nodes = np.flatnonzero(categorical)
        split_nodes = split_nodes[np.argsort(feature[split_nodes], kind="stable")]
        self.slot[split_nodes] = 2 * width + np.arange(len(split_nodes))
        self.threshold[split_nodes] = 0.5
        self.roots = starts.astype(np.intp)
        self.depth = int(nodes["depth"].max())
        self.value = nodes["value"].astype(np.float64)
        self._split_nodes = split_nodes
        self._split_left_sets = self._left_sets(trees, starts, nodes, split_nodes)
        self._split_missing_left = missing_left[split_nodes]
        self._split_column = feature[split_nodes]

    @staticmethod
    def _left_sets(trees, starts, nodes, split_nodes) -> list[np.ndarray]:
        """For each categorical split, whether each raw category code goes left."""
        tree_of = np.searchsorted(starts, split_nodes, side="right") - 1
        codes = np.arange(MAX_CATEGORIES)
        sets = []
        for node, tree in zip(split_nodes, tree_of, strict=True):
            bitset = trees[tree].raw_left_cat_bitsets[nodes["bitset_idx"][node]]
            sets.append((bitset[codes // WORD_BITS] >> (codes % WORD_BITS)) & 1 == 1)
        return sets

    def _category_tables(self, pipeline: Pipeline, tree_columns: dict[str, int]) -> list[dict]:
        """Per categorical feature: category -> the 0/1 decisions of its splits.

        Each category's decisions are computed here once, through the same encoders as
        the pipeline's; ``None`` stands for a missing or unknown category.
        """
        model = pipeline.named_steps["model"]
        outer = pipeline.named_steps["features"].named_transformers_["categories"]
        inner = model._preprocessor.named_transformers_["encoder"]
        tables = []
        for j, name in enumerate(self.categorical):
            splits = np.flatnonzero(self._split_column == tree_columns[name])
            inner_codes = {code: i for i, code in enumerate(inner.categories_[j])}
            known = outer.categories_[list(outer.feature_names_in_).index(name)]
            table = {
                category: self._decisions(splits, inner_codes.get(float(position)))
                for position, category in enumerate(known)
            }
            table[None] = self._decisions(splits, None)
            tables.append(table)
        return tables

    def _decisions(self, splits: np.ndarray, code: int | None) -> np.ndarray:
        left = [
            self._split_missing_left[k] if code is None else self._split_left_sets[k][code]
            for k in splits
        ]
        return np.where(np.array(left, dtype=bool), 0.0, 1.0)

    def _vector(self, flight: Mapping[str, object]) -> np.ndarray:
        numbers = np.array([flight[name] for name in self.numeric], dtype=np.float64)
        blocks = [np.where(np.isnan(numbers), -np.inf, numbers), numbers]
        for name, table in zip(self.categorical, self._category_slots, strict=True):
            blocks.append(table.get(flight[name], table[None]))
        return np.concatenate(blocks)

    def predict_proba(self, flight: Mapping[str, object]) -> float:
        """Probability of the positive class for one flight (features by name)."""
        x = self._vector(flight)
        following = np.where(x[self.slot] <= self.threshold, self.left, self.right)
        node = self.roots
        for _ in range(self.depth):
            node = following[node]
        return float(_logistic(self.baseline + self.value[node].sum()))
