"""The deploy command line when the API at --url is not there or does not follow: the
alias is left as it was, and the message says what happened and what to do."""

import socket

import pytest
from sklearn.dummy import DummyClassifier

from kurs.exit_codes import ERROR
from zajecia_05_model.registry import Registry
from zajecia_05_model.tests.synthetic import model_metadata, write_synthetic_features
from zajecia_08_deploy import cli
from zajecia_08_deploy.service import production_server
from zajecia_08_deploy.traffic import connection_error, month_requests, replay

REFUSED = "nie odpowiada: połączenie odrzucone — nic nie nasłuchuje pod tym adresem"
START = ".venv/bin/gunicorn --config zajecia_08_deploy/gunicorn.conf.py"


@pytest.fixture
def closed_url():
    """A port of 127.0.0.1 that nothing listens on: an API that was stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def registry(tmp_path):
    """Two versions (no training needed: nothing gets past the API check); production
    was promoted from v0001 to v0002, so it can be rolled back."""
    registry = Registry(tmp_path)
    model = DummyClassifier().fit([[0], [1]], [0, 1])
    metadata = model_metadata()
    for _ in range(2):
        registry.register(model, metadata)
    registry.promote("v0001")
    registry.promote("v0002")
    return registry


def command(registry, *args):
    return cli.main(["--data-dir", str(registry.root.parents[1]), *args])


@pytest.mark.parametrize("args", [["deploy", "v0001"], ["rollback"]])
def test_a_stopped_api_stops_the_command_before_the_alias_moves(registry, closed_url, args, capsys):
    assert command(registry, *args, "--url", closed_url) == ERROR
    assert registry.aliases()["production"] == "v0002"
    err = capsys.readouterr().err
    assert f"API {closed_url} {REFUSED}; nic nie zostało zmienione" in err
    assert START in err and "Errno" not in err


def test_replay_to_a_stopped_api_says_why_and_sends_nothing(tmp_path, closed_url, capsys):
    write_synthetic_features(tmp_path, ("2013-01",))
    assert cli.main(["--data-dir", str(tmp_path), "replay", "2013-01", "--url", closed_url]) == 1
    err = capsys.readouterr().err
    assert f"API {closed_url} {REFUSED}; nie wysłano żadnego żądania" in err and START in err
    # Traffic that loses the API midway counts its errors with their reason.
    result = replay(closed_url, month_requests(tmp_path, "2013-01", limit=3), concurrency=1)
    assert "błędy: 3 (połączenie odrzucone — nic nie nasłuchuje pod tym adresem: 3×)" in (
        result.summary()
    )


def test_a_bad_url_or_month_is_a_usage_error_naming_the_argument(registry, capsys):
    with pytest.raises(SystemExit) as exit_:
        command(registry, "rollback", "--url", "127.0.0.1:8000")
    assert exit_.value.code == 2
    assert "argument --url: oczekiwano adresu http://host:port" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        command(registry, "replay", "2014-01")
    assert "miesiąc 2014-01 jest poza danymi kursu" in capsys.readouterr().err
    for option in ("--limit", "--concurrency"):
        with pytest.raises(SystemExit):
            command(registry, "replay", "2013-08", option, "0")
        assert f"argument {option}: musi być ≥ 1, jest 0" in capsys.readouterr().err


@pytest.mark.slow
def test_an_api_that_does_not_switch_gets_the_alias_back(data, monkeypatch, capsys):
    """An API pinned to v0001 never serves what production points at: deploy and rollback
    both put the alias back and say so."""
    monkeypatch.setattr(cli, "WAIT_S", 2.0)
    registry = Registry(data)
    with production_server(data, workers=1, MLOPS_MODEL_ALIAS="v0001") as server:
        url = ["--url", server.base_url]
        assert cli.main(["--data-dir", str(data), "deploy", "v0002", *url]) == ERROR
        assert registry.resolve("production") == "v0001"
        err = capsys.readouterr().err
        assert f"API {server.base_url} nie przełączyło się na v0002 w 2 s" in err
        assert "Alias production przywrócony na v0001" in err

        registry.promote("v0002")
        registry.promote("v0001")  # rollback would go to v0002, which the API never serves
        assert cli.main(["--data-dir", str(data), "rollback", *url]) == ERROR
        assert registry.resolve("production") == "v0001"
        assert "Alias production przywrócony na v0001" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (TimeoutError("timed out"), "brak odpowiedzi w limicie czasu"),
        (ConnectionResetError(104, "reset"), "połączenie zerwane (ConnectionResetError)"),
        (socket.gaierror(-2, "Name or service not known"), "nieznany host"),
        (OSError(113, "No route to host"), "błąd sieci (OSError: [Errno 113] No route to host)"),
    ],
)
def test_a_request_without_an_answer_is_explained_in_polish(error, reason):
    assert connection_error(error) == reason
