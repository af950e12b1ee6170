"""The figures `make bench` keeps in the data folder, from its wrk runs."""

import pytest

from zajecia_07_docker.bench import CONNECTIONS, Load, results


def test_the_runs_are_kept_with_their_ratios_medians_and_the_slowest_p99():
    runs = [
        # /health, /predict: requests, seconds, p99 ms, worker CPU s
        (Load(10_000, 10.0, 5.0, 2.0), Load(7_000, 10.0, 9.0, 2.0)),
        (Load(10_000, 10.0, 6.0, 2.0), Load(8_000, 10.0, 12.0, 2.0)),
        (Load(10_000, 10.0, 4.0, 2.0), Load(6_000, 10.0, 8.0, 2.0)),
    ]
    kept = results("v0001", runs)
    assert kept["model_version"] == "v0001" and kept["connections"] == CONNECTIONS
    assert [run["ratio"] for run in kept["runs"]] == pytest.approx([0.7, 0.8, 0.6])
    assert kept["median_ratio"] == pytest.approx(0.7)
    # The same CPU for fewer /predict requests: each costs more than a /health one.
    assert kept["runs"][0]["cpu_ratio"] == pytest.approx(0.7)
    assert kept["predict_p99_ms"] == 12.0
