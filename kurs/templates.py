"""Reports in Polish rendered from Jinja2 templates: the prose lives in the template,
Python computes the numbers.

A class keeps its templates in its own ``templates/`` folder; ``kurs/templates/`` adds
what every HTML report shares (``page.html.j2``: the page and its one stylesheet). The
filters write numbers the Polish way everywhere (:mod:`kurs.polish`): ``{{ n | integer }}``
gives ``336 776``, ``{{ auc | decimal(3) }}`` gives ``0,782``, ``{{ share | percent(1) }}``
gives ``25,2%``, ``{{ gain | signed }}`` gives ``+0,0123``.

HTML templates (``*.html.j2``) escape every value; Markdown templates (``*.md.j2``) do not.
A variable missing from the context is an error, not an empty string.
"""

from __future__ import annotations

import functools

import jinja2

from kurs import polish


def _autoescape(name: str | None) -> bool:
    return name is not None and ".html" in name


@functools.cache
def environment(package: str) -> jinja2.Environment:
    """The template environment of a package (``zajecia_05_model``): its templates first,
    then the shared ones of ``kurs``."""
    loader = jinja2.ChoiceLoader(
        [jinja2.PackageLoader(package, "templates"), jinja2.PackageLoader("kurs", "templates")]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        integer=polish.integer,
        decimal=polish.decimal,
        percent=polish.percent,
        signed=polish.signed,
        seconds=polish.seconds,
    )
    return env


def render(package: str, name: str, **context: object) -> str:
    """Render the template ``name`` of ``package`` with ``context``.

    Raises:
        jinja2.TemplateNotFound: no such template in the package or in ``kurs``.
        jinja2.UndefinedError: the template uses a variable the context lacks.
    """
    return environment(package).get_template(name).render(**context)
