"""One prediction log written from many threads at once, as a gunicorn worker's threads do.

Python's sqlite3 connection is not safe for concurrent use: without one writer at a time,
rows go missing without an error, or a write fails with "no more rows available".
"""

from concurrent.futures import ThreadPoolExecutor

from zajecia_07_docker.events import PredictionEvent
from zajecia_08_deploy.prediction_log import PredictionLog


def test_appends_from_16_threads_are_all_kept(tmp_path):
    log = PredictionLog(tmp_path / "predictions.sqlite3")

    def append(i: int) -> None:
        flights = [{"flight_id": f"f{i}-{item}", "temp": 50.0} for item in range(3)]
        log(PredictionEvent(f"r{i}", "v0001", flights, [0.5] * 3, [True] * 3, 0.5, 0.002))

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(append, range(400)))  # re-raises what a thread raised
    rows = log.read()
    assert len(rows) == 1200 and rows["flight_id"].nunique() == 1200
