"""
### Jakość modelu na żywo — `flights_live_quality` (zajęcia 08)

Łączy predykcje zapisane przez API w logu predykcji (SQLite) z faktycznymi wynikami lotów
z miesiąca (partycja cech z zajęć 04) i liczy jakość **osobno dla każdej wersji modelu**,
która odpowiadała: ROC AUC, PR AUC, Brier, precyzję i czułość przy zalogowanym progu,
udział lotów przewidzianych jako opóźnione wobec faktycznego, czas odpowiedzi p50/p95 oraz
spadek ROC AUC względem walidacji z rejestru.

Uruchamiany **ręcznie** z parametrem `month` (`RRRR-MM`), po wysłaniu ruchu
(`python -m zajecia_08_deploy replay RRRR-MM`). Wyniki lotów z miesiąca znamy dopiero,
gdy miesiąc się skończy, więc na produkcji byłby to harmonogram miesięczny uruchamiany
po końcu miesiąca. Tu ruch to odtworzenie lotów z 2013 roku, wysyłane wtedy, gdy
uruchomisz symulator — harmonogram według zegara sprawdzałby miesiące bez predykcji.

1. `check_log` — czy log ma predykcje lotów z miesiąca; jeśli nie, przebieg kończy się
   błędem z wyjaśnieniem (bez ponowień);
2. `report` — raport `live_quality/month=RRRR-MM/report.html` i `report.json`; zwraca
   podsumowanie.

Ten sam lot przewidziany kilka razy przez jedną wersję (np. ponowny replay) liczy się raz —
ostatnia predykcja. Predykcje lotów, których wyniku jeszcze nie znamy (brak cech
miesiąca), są liczone jako oczekujące; loty spoza danych miesiąca — osobno.
"""

import pendulum
from airflow.sdk import dag, task

from kurs.dag_tasks import fail_without_retry, month_param, run_month
from kurs.months import LOCAL_TZ
from kurs.repository import data_dir


# BEGIN SOLUTION: DAG ręczny z parametrem month: check_log → report
@dag(
    dag_id="flights_live_quality",
    schedule=None,
    start_date=pendulum.datetime(2013, 1, 1, tz=LOCAL_TZ),
    catchup=False,
    params={"month": month_param("RRRR-MM: miesiąc lotów, których predykcje oceniamy")},
    tags=["zajecia_08", "monitoring"],
    doc_md=__doc__,
)
def flights_live_quality():
    # The live quality code (pandas, scikit-learn) is imported inside the tasks: Airflow
    # parses this file again and again in fresh processes, and must do it fast.
    @task
    def check_log(params=None, dag_run=None) -> int:
        from zajecia_08_deploy.live_quality import NoPredictionsError, month_predictions
        from zajecia_08_deploy.prediction_log import log_path

        with fail_without_retry(NoPredictionsError):
            return len(month_predictions(run_month(params, dag_run), log_path(data_dir())))

    @task
    def report(params=None, dag_run=None) -> dict:
        from zajecia_03_airflow_ingest.partitions import PartitionError
        from zajecia_08_deploy.live_quality import live_quality

        with fail_without_retry(PartitionError):  # a damaged partition: no retry helps
            return live_quality(run_month(params, dag_run), data_dir())

    check_log() >> report()


flights_live_quality()
# END SOLUTION
