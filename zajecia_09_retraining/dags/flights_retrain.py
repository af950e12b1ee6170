"""
### Dotrenowanie modelu — `flights_retrain` (zajęcia 09)

Uruchamia się sam, gdy monitoring (`flights_monitor`, zajęcia 06) wyemituje zasób
`model_alert` — dla ostatniego miesiąca z alertem — albo ręcznie z parametrem `month`.
Dla miesiąca M:

1. `plan` — champion to wersja `production`; challenger uczy się na oknie
   `window_months` miesięcy kończącym się na M−1. Przebieg jest pomijany (z powodem
   w `retraining/month=M/skipped.json`), gdy miesiąc już rozstrzygnięto, gdy
   nie znamy wyników lotów M albo gdy okno nie wnosi nowych danych względem championa;
2. `challenger` — trening kodem z zajęć 05, nowa wersja w rejestrze (ponowny przebieg
   znajduje ją po nazwie i nie trenuje drugi raz);
3. `decide` — oba modele oceniają wszystkie loty M; przedział ufności różnicy ROC AUC
   (DeLong, pary lotów) i bramka jakości z zajęć 05 decydują; zapis
   `retraining/month=M/decision.json` i `decision.md`;
4. `carry_out` — promocja ścieżką wdrożenia z zajęć 08 (bramka, smoke test na staging,
   alias; działające API przełącza się bez utraty żądań) albo znacznik „odrzucona” przy
   wersji w rejestrze.

Parametry `window_months`, `margin`, `min_auc_gain` nadpisują ustawienia
(`MLOPS_RETRAIN_WINDOW_MONTHS`, `MLOPS_RETRAIN_MARGIN`, `MLOPS_TRAIN_MIN_AUC_GAIN`).
"""

import pendulum
from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from kurs.dag_tasks import fail_without_retry, month_param, run_month
from kurs.months import LOCAL_TZ
from kurs.repository import data_dir
from zajecia_06_monitoring.assets import MODEL_ALERT

# BEGIN SOLUTION: DAG na zasobie model_alert (README, „DAG flights_retrain”)
SETTINGS_PARAMS = ("window_months", "margin", "min_auc_gain")


def settings(params) -> dict:
    return {name: params.get(name) for name in SETTINGS_PARAMS}


@dag(
    dag_id="flights_retrain",
    schedule=[MODEL_ALERT],
    start_date=pendulum.datetime(2013, 1, 1, tz=LOCAL_TZ),
    catchup=False,
    params={
        "month": month_param(
            "RRRR-MM; puste = ostatni miesiąc z alertu (przebieg ręczny: wymagany)"
        ),
        "window_months": Param(
            None, type=["null", "integer"], minimum=2, maximum=11, description="długość okna"
        ),
        "margin": Param(
            None, type=["null", "number"], minimum=0, maximum=1, description="wymagany zysk ROC AUC"
        ),
        "min_auc_gain": Param(
            None, type=["null", "number"], minimum=0, description="bramka jakości z zajęć 05"
        ),
    },
    tags=["zajecia_09", "retraining"],
    doc_md=__doc__,
)
def flights_retrain():
    # Training, scikit-learn and the deploy path are imported inside the tasks: Airflow
    # parses this file again and again in fresh processes, and must do it fast.
    @task
    def plan(params=None, dag_run=None, triggering_asset_events=None) -> dict:
        from zajecia_05_model.metadata import MetadataError
        from zajecia_05_model.registry import RegistryError
        from zajecia_09_retraining import audit
        from zajecia_09_retraining.config import load_config
        from zajecia_09_retraining.retrain import RetrainingSkipped, alerted_month
        from zajecia_09_retraining.retrain import plan as make_plan

        month, source = run_month(params, dag_run, required=False), "manual"
        with fail_without_retry(ValueError, RegistryError, MetadataError):
            if month is None:
                month = alerted_month(triggering_asset_events[MODEL_ALERT])
                source = "model_alert"
            config = load_config(settings(params))
            try:
                return make_plan(month, data_dir(), config, source).to_dict()
            except RetrainingSkipped as skipped:
                audit.write_skip(data_dir(), month, str(skipped))
                raise AirflowSkipException(str(skipped)) from None

    @task
    def challenger(planned: dict, params=None) -> str:
        from zajecia_03_airflow_ingest.partitions import PartitionError
        from zajecia_09_retraining.config import load_config
        from zajecia_09_retraining.retrain import Plan, train_challenger

        with fail_without_retry(ValueError, PartitionError):
            return train_challenger(
                Plan.from_dict(planned), data_dir(), load_config(settings(params))
            )

    @task
    def decide(planned: dict, version: str, params=None) -> dict:
        from zajecia_05_model.registry import RegistryError
        from zajecia_09_retraining.config import load_config
        from zajecia_09_retraining.retrain import Plan
        from zajecia_09_retraining.retrain import decide as take_decision

        with fail_without_retry(ValueError, RegistryError):
            record = take_decision(
                Plan.from_dict(planned), version, data_dir(), load_config(settings(params))
            )
        return {"month": record["month"], **record["decision"]}

    @task
    def carry_out(decision: dict) -> str:
        from zajecia_09_retraining.retrain import carry_out as act

        return act(decision["month"], data_dir())["production"]

    planned = plan()
    carry_out(decide(planned, challenger(planned)))


flights_retrain()
# END SOLUTION
