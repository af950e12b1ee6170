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
from airflow.sdk.exceptions import AirflowFailException

from zajecia_02_eda.data import LOCAL_TZ
from zajecia_03_airflow_ingest.config import data_dir
from zajecia_03_airflow_ingest.dag_params import month_param
from zajecia_03_airflow_ingest.partitions import PartitionError
from zajecia_08_deploy.live_quality import NoPredictionsError, live_quality, month_predictions


def _month(params) -> str:
    if not params.get("month"):
        raise AirflowFailException("brak miesiąca: podaj parametr month (RRRR-MM)")
    return params["month"]


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
    @task
    def check_log(params=None) -> int:
        try:
            return len(month_predictions(_month(params)))
        except NoPredictionsError as error:
            raise AirflowFailException(str(error)) from error

    @task
    def report(params=None) -> dict:
        try:
            return live_quality(_month(params), data_dir())
        except PartitionError as error:  # a damaged partition: no retry helps
            raise AirflowFailException(str(error)) from error

    check_log() >> report()


flights_live_quality()
