"""Docker files read without a Docker engine: a Dockerfile parsed here and linted with
hadolint (the binary next to the grader's Python), compose files validated in-process
against the Compose Specification JSON Schema vendored in check-jsonschema, a deploy
script and a gunicorn configuration read as text and syntax.

Kinds: ``dockerfile`` (03.dockerfile, 07.dockerfile), ``compose`` (03.compose),
``deploy_files`` (07.wdrozenie), ``gunicorn_config`` (07.gunicorn), ``monitoring_stack``
(08.stos).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import util
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema_rs

from grading.checks.base import Context, static_check
from grading.checks.dags import PythonModule
from grading.model import Evidence, Outcome, StudentError
from grading.repo_files import RepoFiles

HADOLINT = Path(sys.executable).parent / "hadolint"
HADOLINT_TIMEOUT_S = 10
ROOT_USERS = frozenset({"root", "0"})
# Schema errors named in a message; the rest are counted.
MAX_ERRORS = 5
# Nesting levels of a compose file converted for the schema validator (jsonschema-rs
# refuses 255); real compose files have fewer than 10.
MAX_COMPOSE_DEPTH = 64
# Characters a deploy script may grow by when its variables are expanded.
MAX_EXPANSION = 1_000_000
# Every regular expression here runs in time linear in the text: no two unbounded
# quantifiers over the same characters follow each other or nest, and the word of
# `${NAME:-word}` stops at the next `${`, so that many unclosed `${` are not each
# scanned to the end of the text.
_WORD = r"[^}$]*(?:\$(?!\{)[^}$]*)*"
_VARIABLE = re.compile(rf"\$\{{(\w+)(?:(:?[-+])({_WORD}))?\}}|\$(\w+)")
_COMPOSE_DEFAULT = re.compile(rf"\$\{{\w+(?::?-({_WORD}))?\}}")
# A deploy script's commands: `docker build`/`docker run` anywhere, `docker compose` (or
# `docker-compose`) with `build`/`up` later in the same command — a line or a part of it
# between `;`, `&` and `|`. The commands are split once and each searched on its own.
_DOCKER_BUILD = re.compile(r"\bdocker\s+(?:buildx\s+)?build\b")
_DOCKER_RUN = re.compile(r"\bdocker\s+(?:container\s+)?run\b")
_COMPOSE_COMMAND = re.compile(r"\bdocker(?:-|\s+)compose\b")
_COMPOSE_BUILD = re.compile(r"\sbuild\b")
_COMPOSE_UP = re.compile(r"\sup\b")
_COMMAND_BREAK = re.compile(r"[\n;&|]")
# A hadolint or shellcheck directive in a comment: `# hadolint ignore=…`, `# hadolint
# global ignore=…`, `# hadolint shell=…`, `# shellcheck disable=…`.
_PRAGMA = re.compile(r"#([ \t]*)(hadolint|shellcheck)\b", re.IGNORECASE)
_SHELL_ASSIGNMENT = re.compile(
    r"^[ \t]*(?:(?:export|local|readonly|declare(?:[ \t]+-\w+)?)[ \t]+)?"
    r"([A-Za-z_]\w*)=(\([^)\n]*\)|\"[^\"\n]*\"|'[^'\n]*'|\S*)",
    re.MULTILINE,
)
_SHELL_VARIABLE = re.compile(r"\"?\$\{(\w+)(?:\[[@*]\])?\}\"?|\"?\$(\w+)\"?")


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction: keyword (upper case), arguments, 1-based first line."""

    keyword: str
    arguments: str
    line: int


@dataclass(frozen=True)
class Dockerfile:
    """A Dockerfile's instructions per build stage; ``preamble`` holds what comes before
    the first ``FROM`` (the global ``ARG``s). Comments dropped, continuation lines
    joined, keywords case-insensitive."""

    preamble: list[Instruction]
    stages: list[list[Instruction]]

    @classmethod
    def parse(cls, text: str) -> Dockerfile:
        preamble: list[Instruction] = []
        stages: list[list[Instruction]] = []
        lines = [line.rstrip() for line in text.splitlines()]
        index = 0
        while index < len(lines):
            start, line = index + 1, lines[index]
            index += 1
            if _skipped(line):
                continue
            pieces = []
            while line.endswith("\\"):
                pieces.append(line[:-1].strip())
                # Comments and empty lines inside a continued instruction are dropped.
                while index < len(lines) and _skipped(lines[index]):
                    index += 1
                if index == len(lines):
                    line = ""
                    break
                line, index = lines[index], index + 1
            words = " ".join([*pieces, line.strip()]).split(None, 1)
            if not words:
                continue
            instruction = Instruction(words[0].upper(), "".join(words[1:]).strip(), start)
            if instruction.keyword == "FROM":
                stages.append([])
            (stages[-1] if stages else preamble).append(instruction)
        return cls(preamble, stages)

    def global_arguments(self) -> dict[str, str]:
        """The defaults of the ``ARG``s before the first ``FROM``."""
        return _declared(self.preamble, {})

    def base_images(self) -> list[tuple[Instruction, str, str | None]]:
        """Every ``FROM``: the instruction, its image with global ``ARG`` defaults
        substituted, and the stage name (``AS name``), if any."""
        variables = self.global_arguments()
        found = []
        for stage in self.stages:
            words = [w for w in stage[0].arguments.split() if not w.startswith("--")]
            image = substitute(words[0], variables) if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            found.append((stage[0], image, name))
        return found


def _skipped(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _declared(instructions: list[Instruction], inherited: dict[str, str]) -> dict[str, str]:
    """Variables set by ``ARG name[=default]`` and ``ENV name=value`` (or ``ENV name
    value``); an ``ARG`` without a default takes the ``inherited`` value."""
    variables: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "ARG":
            for word in _words(instruction.arguments):
                name, equals, value = word.partition("=")
                if equals:
                    variables[name] = substitute(value, variables)
                elif name in inherited:
                    variables[name] = inherited[name]
        elif instruction.keyword == "ENV":
            words = _words(instruction.arguments)
            if words and "=" not in words[0]:
                name, _, value = instruction.arguments.partition(" ")
                pairs = [(name, value.strip())]
            else:
                pairs = [(word.partition("=")[0], word.partition("=")[2]) for word in words]
            for name, value in pairs:
                variables[name] = substitute(value, variables)
    return variables


def substitute(text: str, variables: Mapping[str, str]) -> str:
    """``$NAME``, ``${NAME}``, ``${NAME:-default}`` and ``${NAME:+word}`` replaced as Docker
    does; a variable without a value and default stays as written."""

    def replace(match: re.Match) -> str:
        name = match[1] or match[4]
        value = variables.get(name)
        operator, word = match[2], match[3]
        if operator and operator.endswith("-"):
            return value if value else word
        if operator:
            return word if value else ""
        return value if value is not None else match[0]

    return _VARIABLE.sub(replace, text)


def _image_tag(image: str) -> str | None:
    """The tag of ``name[:tag]``, a registry port not mistaken for one."""
    last = image.rsplit("/", 1)[-1]
    return last.partition(":")[2] or None


Finding = tuple[bool, str, list[Evidence]]


def _multi_stage(path: str, dockerfile: Dockerfile, files: RepoFiles) -> Finding:
    count = len(dockerfile.stages)
    if count >= 2:
        return True, f"wieloetapowy (etapów FROM: {count})", []
    return (
        False,
        (
            "jeden etap FROM — zbuduj zależności w etapie `FROM ... AS builder`, a obraz "
            "końcowy w drugim `FROM`, kopiując z `COPY --from=builder`"
        ),
        [Evidence(file=path, line=dockerfile.stages[0][0].line)],
    )


def _pin_problem(image: str, stages: set[str]) -> str | None:
    """Why a base image is not pinned, or None (``scratch`` and earlier stages exempt)."""
    if image.lower() == "scratch" or image.lower() in stages:
        return None
    if "$" in image:
        return "zmienna bez wartości domyślnej"
    if "@sha256:" in image:
        return None
    tag = _image_tag(image)
    return None if tag not in (None, "latest") else tag or "bez wersji"


def _pinned(path: str, dockerfile: Dockerfile, files: RepoFiles) -> Finding:
    problems, evidence, stages = [], [], set()
    for instruction, image, name in dockerfile.base_images():
        problem = _pin_problem(image, stages)
        if problem:
            problems.append(f"`{image}` (wiersz {instruction.line}) — {problem}")
            evidence.append(Evidence(file=path, line=instruction.line, excerpt=image))
        if name:
            stages.add(name.lower())
    if not problems:
        return True, "obrazy bazowe przypięte", []
    return (
        False,
        (
            f"nieprzypięte obrazy bazowe: {'; '.join(problems)} — podaj wersję "
            "(np. `python:3.11.9-slim`) albo skrót `@sha256:...`, nigdy `latest`"
        ),
        evidence,
    )


def _non_root(path: str, dockerfile: Dockerfile, files: RepoFiles) -> Finding:
    final = dockerfile.stages[-1]
    users = [i for i in final if i.keyword == "USER"]
    if not users:
        return (
            False,
            (
                "ostatni etap nie ma `USER` — kontener działa jako root; utwórz użytkownika i "
                "dodaj np. `USER 10001` w ostatnim etapie"
            ),
            [Evidence(file=path, line=final[0].line)],
        )
    last = users[-1]
    variables = _declared(final[: final.index(last)], dockerfile.global_arguments())
    words = last.arguments.split()
    user = substitute(words[0], variables).split(":")[0] if words else ""
    evidence = [Evidence(file=path, line=last.line, excerpt=f"USER {last.arguments}")]
    if "$" in user or not user:
        return (
            False,
            (
                f"`USER {last.arguments}` (wiersz {last.line}) bez znanej wartości — wpisz "
                "użytkownika wprost"
            ),
            evidence,
        )
    if user.lower() in ROOT_USERS:
        return (
            False,
            (
                f"ostatni `USER` (wiersz {last.line}) to root — na końcu ostatniego etapu "
                "przełącz się na użytkownika bez uprawnień roota"
            ),
            evidence,
        )
    return True, f"użytkownik `{user}`, nie root", evidence


def _healthcheck(path: str, dockerfile: Dockerfile, files: RepoFiles) -> Finding:
    checks = [i for i in dockerfile.stages[-1] if i.keyword == "HEALTHCHECK"]
    if checks and checks[-1].arguments.upper().split()[:1] != ["NONE"]:
        return True, "`HEALTHCHECK` w ostatnim etapie", []
    return (
        False,
        (
            "ostatni etap nie ma `HEALTHCHECK` (albo ma `HEALTHCHECK NONE`) — dodaj np. "
            '`HEALTHCHECK CMD ["python", "-c", "...urlopen(\'http://127.0.0.1:8000/health\')"]`'
        ),
        [Evidence(file=path)],
    )


def without_pragmas(text: str) -> str:
    """The Dockerfile with every hadolint and shellcheck directive in a comment made a
    plain comment (``# hadolint ignore=DL3008`` → ``# no-pragma ignore=DL3008``), lines
    kept in place."""
    return _PRAGMA.sub(r"#\1no-pragma", text)


def hadolint_findings(files: RepoFiles, path: str) -> list[dict]:
    """hadolint's findings (JSON) on ``path``, with a timeout and all the default rules,
    whatever the student's files say: an empty configuration, hadolint started outside
    the repository (a student's ``.hadolint.yaml`` is not read), ``--disable-ignore-pragma``
    and a copy of the Dockerfile without directives (:func:`without_pragmas`), so that no
    comment — ``# hadolint ignore=``, ``# hadolint global ignore=``, ``# hadolint shell=``,
    ``# shellcheck disable=`` — switches a rule off. A missing binary, a timeout or output
    that is not JSON is the grader's own failure: RuntimeError."""
    if not HADOLINT.is_file():
        raise RuntimeError(f"hadolint not found at {HADOLINT}: the grader's environment is broken")
    text = without_pragmas(files.read_text(path))
    with tempfile.TemporaryDirectory(prefix="hadolint-") as neutral:
        config = Path(neutral) / "hadolint.yaml"
        config.write_text("{}\n", encoding="utf-8")
        copy = Path(neutral) / "Dockerfile"
        copy.write_text(text, encoding="utf-8")
        command = [str(HADOLINT), "--no-color", "--format", "json", "--config", str(config),
                   "--disable-ignore-pragma", str(copy)]  # fmt: skip
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=HADOLINT_TIMEOUT_S,
                cwd=neutral,
                env={"HOME": neutral, "PATH": "/usr/bin:/bin"},
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"hadolint ran over {HADOLINT_TIMEOUT_S} s on {path}") from None
    try:
        findings = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(
            f"hadolint gave no JSON on {path} (exit {result.returncode}): {result.stderr[:300]}"
        ) from None
    return findings


def _hadolint(path: str, dockerfile: Dockerfile, files: RepoFiles) -> Finding:
    findings = hadolint_findings(files, path)
    if not findings:
        return True, "hadolint bez uwag", []
    listed = [f"{f.get('code')} (wiersz {f.get('line')}): {f.get('message')}" for f in findings]
    shown = "; ".join(listed[:10]) + (
        f"; … i {len(listed) - 10} więcej" if len(listed) > 10 else ""
    )
    return (
        False,
        f"uwagi hadolint ({len(findings)}): {shown} — popraw je",
        [Evidence(file=path, line=f.get("line"), excerpt=f.get("code")) for f in findings[:10]],
    )


REQUIREMENTS: dict[str, Callable[[str, Dockerfile, RepoFiles], Finding]] = {
    "multi_stage": _multi_stage,
    "pinned": _pinned,
    "non_root": _non_root,
    "healthcheck": _healthcheck,
    "hadolint": _hadolint,
}


@static_check("dockerfile", required=("file", "require"))
def dockerfile(context: Context, params: Mapping[str, Any]) -> Outcome:
    """03.dockerfile, 07.dockerfile: each of ``require`` met gives an equal share —
    ``multi_stage`` (≥ 2 ``FROM``), ``pinned`` (every base image has a tag other than
    ``latest`` or a ``@sha256:`` digest; ``scratch`` and earlier stages exempt, global
    ``ARG`` defaults substituted), ``non_root`` (the last ``USER`` of the last stage is
    not root/0), ``healthcheck`` (``HEALTHCHECK`` in the last stage, not ``NONE``),
    ``hadolint`` (no findings)."""
    path = params["file"]
    unknown = set(params["require"]) - REQUIREMENTS.keys()
    if unknown:
        raise ValueError(f"unknown Dockerfile requirements: {sorted(unknown)}")
    parsed = Dockerfile.parse(context.files.read_text(path))
    if not parsed.stages:
        return Outcome.failed(f"{path} nie ma instrukcji FROM", Evidence(file=path))
    findings = [REQUIREMENTS[name](path, parsed, context.files) for name in params["require"]]
    met = sum(ok for ok, _, _ in findings)
    evidence = tuple(e for ok, _, found in findings if not ok for e in found)
    message = f"{path}: " + "; ".join(text for _, text, _ in findings)
    return Outcome.share(met, len(findings), message, *(evidence or (Evidence(file=path),)))


@cache
def _compose_validator() -> jsonschema_rs.Validator:
    """A validator of the Compose Specification schema (draft 2020-12) vendored in
    check-jsonschema. The package is located, not imported: importing it imports
    ``jsonschema``, whose start-up (2 s) would dominate grading a repository in a fresh
    process; jsonschema-rs starts in milliseconds."""
    spec = util.find_spec("check_jsonschema")
    if spec is None or spec.origin is None:
        raise RuntimeError("check-jsonschema is not installed: the grader's environment is broken")
    vendored = Path(spec.origin).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
    return jsonschema_rs.validator_for(json.loads(vendored.read_text(encoding="utf-8")))


def compose_errors(files: RepoFiles, path: str) -> tuple[Any, list[str]]:
    """The compose model of ``path`` (safe YAML) and its errors against the Compose
    Specification, as ``JSON path: message``, sorted by path. StudentError when the file
    is missing, is not YAML, nests deeper than :data:`MAX_COMPOSE_DEPTH` levels or holds
    itself through an anchor."""
    model = _json_data(files.read_yaml(path), path)
    errors = sorted(
        (_json_path(error.instance_path), error.message)
        for error in _compose_validator().iter_errors(model)
    )
    return model, [f"{where}: {message}" for where, message in errors]


def _json_path(parts: list[str | int]) -> str:
    """``["services", "api", "ports", 0]`` → ``$.services.api.ports[0]``."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _json_data(value: Any, path: str) -> Any:
    """YAML data as JSON carries it: keys as strings, dates and other scalars without a
    JSON type as text; a value shared through YAML aliases is converted once. Iterative;
    StudentError for a value holding itself or nesting more than
    :data:`MAX_COMPOSE_DEPTH` levels (aliases followed)."""
    if not isinstance(value, dict | list):
        return _json_scalar(value)
    root = _empty_like(value)
    converted: dict[int, Any] = {id(value): root}
    heights: dict[int, int] = {}  # levels below and including a converted container
    # Frames of the walk: [container, its items left, its copy, the height found so far].
    stack: list[list[Any]] = [[value, _items(value), root, 1]]
    while stack:
        frame = stack[-1]
        source, items, target = frame[:3]
        entry = next(items, None)
        if entry is None:
            stack.pop()
            heights[id(source)] = frame[3]
            if stack:
                stack[-1][3] = max(stack[-1][3], frame[3] + 1)
            continue
        key, item = entry
        if not isinstance(item, dict | list):
            copy = _json_scalar(item)
        elif id(item) not in converted:
            copy = converted[id(item)] = _empty_like(item)
            stack.append([item, _items(item), copy, 1])
        elif id(item) not in heights:  # converted but not finished: an ancestor
            raise StudentError(
                f"{path}: kotwice YAML odwołują się same do siebie — usuń zapętlenie",
                Evidence(file=path),
            )
        else:
            copy = converted[id(item)]
            frame[3] = max(frame[3], heights[id(item)] + 1)
        if isinstance(target, dict):
            target[str(key)] = copy
        else:
            target.append(copy)
    if heights[id(value)] > MAX_COMPOSE_DEPTH:
        raise StudentError(
            f"{path}: struktura YAML zagnieżdżona zbyt głęboko (poziomów: "
            f"{heights[id(value)]}, dozwolone: {MAX_COMPOSE_DEPTH})",
            Evidence(file=path),
        )
    return root


def _json_scalar(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float) else str(value)


def _empty_like(value: dict | list) -> dict | list:
    return {} if isinstance(value, dict) else []


def _items(value: dict | list) -> Iterator[tuple[Any, Any]]:
    return iter(value.items()) if isinstance(value, dict) else enumerate(value)


def _compose_finding(files: RepoFiles, path: str) -> tuple[Any, bool, str, Evidence]:
    """The model, whether it is valid, a Polish finding and its evidence."""
    try:
        model, errors = compose_errors(files, path)
    except StudentError as error:
        return None, False, error.message, error.evidence or Evidence(file=path)
    if not errors:
        return model, True, f"{path} zgodny ze specyfikacją Compose", Evidence(file=path)
    shown = "; ".join(errors[:MAX_ERRORS])
    more = f"; … i {len(errors) - MAX_ERRORS} więcej" if len(errors) > MAX_ERRORS else ""
    return (
        model,
        False,
        (
            f"{path} niezgodny ze specyfikacją Compose, błędy schematu ({len(errors)}): "
            f"{shown}{more} — popraw klucze i wartości według https://compose-spec.io"
        ),
        Evidence(file=path, excerpt=errors[0][:120]),
    )


@static_check("compose", required=("file",))
def compose(context: Context, params: Mapping[str, Any]) -> Outcome:
    """03.compose: the file (safe YAML) validates against the Compose Specification JSON
    Schema vendored in check-jsonschema."""
    _, ok, message, evidence = _compose_finding(context.files, params["file"])
    return Outcome(Fraction(int(ok)), message, (evidence,))


def shell_text(script: str) -> str:
    """A shell script as the deploy check reads it: comments dropped, continuation lines
    joined, variables assigned in the script (``NAME=value``, ``NAME=(array)``) expanded
    once where used (``$NAME``, ``${NAME}``, ``"${NAME[@]}"``) while the text grows by at
    most :data:`MAX_EXPANSION` characters (later uses stay as written)."""
    lines = [re.sub(r"(^|\s)#.*", "", line) for line in script.splitlines()]
    text = re.sub(r"\\\n", " ", "\n".join(lines))
    assigned = {}
    for match in _SHELL_ASSIGNMENT.finditer(text):
        value = match[2]
        if value[:1] in "(\"'" and len(value) >= 2:
            value = value[1:-1]
        assigned[match[1]] = value
    budget = MAX_EXPANSION

    def expand(match: re.Match) -> str:
        nonlocal budget
        value = assigned.get(match[1] or match[2], match[0])
        if len(value) > budget:
            return match[0]
        budget -= len(value)
        return value

    return _SHELL_VARIABLE.sub(expand, text)


def _calls(text: str, direct: re.Pattern, compose_subcommand: re.Pattern) -> bool:
    """Whether the script runs ``direct`` (``docker build``…) or ``docker compose`` with
    ``compose_subcommand`` later in the same command (see :data:`_COMMAND_BREAK`)."""
    if direct.search(text):
        return True
    for command in _COMMAND_BREAK.split(text):
        found = _COMPOSE_COMMAND.search(command)
        if found and compose_subcommand.search(command, found.end()):
            return True
    return False


def _script_finding(files: RepoFiles, path: str) -> tuple[bool, str, Evidence]:
    try:
        text = shell_text(files.read_text(path))
    except StudentError as error:
        return False, error.message, error.evidence or Evidence(file=path)
    missing = [
        label
        for label, found in (
            (
                "`docker build` (albo `docker compose build`)",
                _calls(text, _DOCKER_BUILD, _COMPOSE_BUILD),
            ),
            ("`docker run` (albo `docker compose up`)", _calls(text, _DOCKER_RUN, _COMPOSE_UP)),
            ("sprawdzenia `/health`", "/health" in text),
        )
        if not found
    ]
    if not missing:
        return True, f"{path} buduje obraz, uruchamia go i sprawdza `/health`", Evidence(file=path)
    return (
        False,
        (
            f"w {path} (poza komentarzami) brak: {', '.join(missing)} — skrypt ma zbudować obraz, "
            "uruchomić kontener i wywołać `/health` (np. `curl --fail http://127.0.0.1:8000/health`)"
        ),
        Evidence(file=path),
    )


@static_check("deploy_files", required=("compose", "script"))
def deploy_files(context: Context, params: Mapping[str, Any]) -> Outcome:
    """07.wdrozenie: ``compose`` valid against the Compose Specification — 1/2; ``script``
    (comments ignored, its own variables expanded) calls ``docker build`` or ``docker
    compose build``, ``docker run`` or ``docker compose up``, and names ``/health`` —
    1/2."""
    _, compose_ok, compose_text, compose_evidence = _compose_finding(
        context.files, params["compose"]
    )
    script_ok, script_text, script_evidence = _script_finding(context.files, params["script"])
    return Outcome(
        Fraction(int(compose_ok) + int(script_ok), 2),
        f"{compose_text}; {script_text}",
        (compose_evidence, script_evidence),
    )


def _runs_gunicorn(command: Any) -> bool:
    """The command's first word is ``gunicorn`` (any folder) or ``python -m gunicorn``."""
    words = _words(command) if isinstance(command, str) else []
    if not words:
        return False
    first = PurePosixPath(words[0]).name
    if first == "gunicorn":
        return True
    return bool(re.fullmatch(r"python[\d.]*", first)) and words[1:3] == ["-m", "gunicorn"]


def _names_config(command: Any, path: str) -> bool:
    """The command passes ``path`` to gunicorn: ``-c PATH``, ``--config PATH`` or
    ``--config=PATH`` (``./`` ignored)."""
    words = _words(command) if isinstance(command, str) else []
    wanted = PurePosixPath(path)
    given = [
        value
        for flag, value in zip(words, [*words[1:], ""], strict=True)
        if flag in ("-c", "--config")
    ] + [word.removeprefix("--config=") for word in words if word.startswith("--config=")]
    return any(PurePosixPath(value) == wanted for value in given)


@static_check("gunicorn_config", required=("file", "command"))
def gunicorn_config(context: Context, params: Mapping[str, Any]) -> Outcome:
    """07.gunicorn: ``file`` parses as Python and assigns ``workers`` and ``timeout`` at
    module level (AST, not executed) — 1/2; ``command`` starts gunicorn with that file
    (``-c``/``--config``) — 1/2, only once the file sets both: the command is declared in
    ``projekt.yaml`` before the configuration is written (the student starter has it)."""
    path, command = params["file"], params["command"]
    exists = context.files.is_file(path)
    try:
        names = PythonModule.read(context.files, path).assignments()
    except StudentError as error:
        config_ok, config_text = False, error.message
    else:
        missing = [name for name in ("workers", "timeout") if name not in names]
        config_ok = not missing
        config_text = (
            f"{path} ustawia `workers` i `timeout`"
            if config_ok
            else f"{path} nie ustawia na poziomie modułu: {', '.join(missing)} — dopisz np. "
            "`workers = 2` i `timeout = 30`"
        )
    runs_it = exists and _runs_gunicorn(command) and _names_config(command, path)
    command_ok = runs_it and config_ok
    if command_ok:
        command_text = f"polecenie API uruchamia gunicorn z {path}"
    elif runs_it:
        command_text = f"polecenie API uruchamia gunicorn z {path}, ale ten plik go nie konfiguruje"
    else:
        command_text = (
            f"polecenie API `{command}` nie uruchamia gunicorna z istniejącym plikiem {path} "
            f"— w projekt.yaml (commands.api) zacznij je od `gunicorn --config {path} ...`"
        )
    return Outcome(
        Fraction(int(config_ok) + int(command_ok), 2),
        f"{config_text}; {command_text}",
        (Evidence(file=path), Evidence(command=str(command))),
    )


def _image(spec: Any) -> str:
    """A service's image as on a fresh clone: ``${VAR:-default}`` is its default."""
    image = spec.get("image") if isinstance(spec, dict) else None
    resolved = _COMPOSE_DEFAULT.sub(lambda m: m[1] or "", str(image or ""))
    return resolved.removeprefix("docker.io/")


def _provisioning(files: RepoFiles, folder: str) -> tuple[bool, str, Evidence]:
    """A Grafana provisioning folder (recursively): a YAML file with ``datasources`` and a
    JSON dashboard (an object with a ``panels`` list)."""
    if not files.is_dir(folder):
        return False, f"brak folderu {folder} z konfiguracją Grafany", Evidence(file=folder)
    datasource = dashboard = None
    unreadable = []
    for path in files.glob(f"{folder}/**/*"):
        try:
            if path.endswith((".yml", ".yaml")) and datasource is None:
                content = files.read_yaml(path)
                datasource = (
                    path if isinstance(content, dict) and "datasources" in content else None
                )
            elif path.endswith(".json") and dashboard is None:
                content = files.read_json(path)
                panels = content.get("panels") if isinstance(content, dict) else None
                dashboard = path if isinstance(panels, list) else None
        except StudentError as error:
            unreadable.append(error.message)
    missing = [
        label
        for label, found in (
            ("pliku YAML z kluczem `datasources`", datasource),
            ("pliku JSON dashboardu (obiekt z listą `panels`)", dashboard),
        )
        if found is None
    ]
    if not missing:
        return True, f"źródło danych {datasource} i dashboard {dashboard}", Evidence(file=folder)
    note = f" (nieczytelne: {'; '.join(unreadable)})" if unreadable else ""
    return (
        False,
        (
            f"w {folder} brak {' i '.join(missing)}{note} — zapisz provisioning Grafany w "
            "repozytorium"
        ),
        Evidence(file=folder),
    )


@static_check("monitoring_stack", required=("compose", "provisioning"))
def monitoring_stack(context: Context, params: Mapping[str, Any]) -> Outcome:
    """08.stos: ``compose`` valid against the Compose Specification with services whose
    image starts with ``prom/prometheus`` and ``grafana/grafana`` (``${VAR:-default}``
    read as its default) — 1/2; ``provisioning`` holds, at any depth, a YAML file with a
    ``datasources`` key and a JSON dashboard with a ``panels`` list — 1/2."""
    path = params["compose"]
    model, valid, compose_text, compose_evidence = _compose_finding(context.files, path)
    services = model.get("services") if isinstance(model, dict) else None
    images = [_image(spec) for spec in services.values()] if isinstance(services, dict) else []
    absent = [
        name
        for name in ("prom/prometheus", "grafana/grafana")
        if not any(image.startswith(name) for image in images)
    ]
    if absent:
        compose_text += f"; w {path} brak usług z obrazem {' i '.join(absent)}"
    stack_ok = valid and not absent
    files_ok, files_text, files_evidence = _provisioning(context.files, params["provisioning"])
    return Outcome(
        Fraction(int(stack_ok) + int(files_ok), 2),
        f"{compose_text}; {files_text}",
        (compose_evidence, files_evidence),
    )
