"""The form renderer: Django's own form and widget templates through Jinja2, every other template (the admin's
widgets, an app's own) through Django's template engine as before.

Why: a filter form's <select> renders one template per <option>, and Django's engine made the 140-option filter
form of /placeringar/ cost a third of the page (38 of 110 ms at national scale). Django ships the same templates
for Jinja2 (django/forms/jinja2), which compiles them to Python: the same HTML in a fifth of the time. Jinja2 alone
(django.forms.renderers.Jinja2) would not find the admin's widget templates, which exist only for Django's engine.

A <select> with its options is written in Python (_SelectTemplate), the same HTML as the Jinja2 templates write:
still two template calls per <option> there, a fifth of the placement list and of an enhetschef's Att göra (their
filters list every utförare and every handläggare).
"""

from pathlib import Path

import django.forms
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property
from django.utils.html import conditional_escape

from .html_text import escaped


def environment(**options):
    """Jinja2 escaping as Django escapes: markupsafe writes ' as &#39; where Django writes &#x27;, so an error
    message with a quote would read differently in the HTML than before. Every {{ value }} is escaped by Django
    first; the result is marked safe (__html__), so Jinja2's own escaping leaves it as it is."""
    from jinja2 import Environment

    options.pop("autoescape", None)  # always on, as Django's backend sets it
    return Environment(autoescape=True, finalize=conditional_escape, **options)


class _DjangoEscapingJinja2(Jinja2):
    @cached_property
    def engine(self):
        return self.backend({
            "APP_DIRS": True,
            "DIRS": [Path(django.forms.__file__).parent / "jinja2"],
            "NAME": "djangoforms",
            "OPTIONS": {"environment": "common.form_rendering.environment"},
        })


SELECT = "django/forms/widgets/select.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"


def _attrs_html(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {escaped(name)}" + ("" if value is True else f'="{escaped(value)}"')
        for name, value in attrs.items() if value is not False
    )


class _SelectTemplate:
    """select.html and select_option.html in Python. A widget whose options have a template of their own is left
    to the template."""

    def __init__(self, template):
        self.template = template

    def render(self, context=None, request=None):
        widget = context["widget"]
        groups = widget["optgroups"]
        if any(option["template_name"] != SELECT_OPTION for _, options, _ in groups for option in options):
            return self.template.render(context, request)
        parts = [f'<select name="{escaped(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, options, _ in groups:
            if group_name:
                parts.append(f'\n  <optgroup label="{escaped(group_name)}">')
            parts.extend(f'\n  <option value="{escaped(option["value"])}"{_attrs_html(option["attrs"])}>'
                         f'{escaped(option["label"])}</option>' for option in options)
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)


class FastFormRenderer(BaseRenderer):
    def __init__(self):
        self._jinja = _DjangoEscapingJinja2()
        self._django = DjangoTemplates()
        self._engine_by_name: dict[str, BaseRenderer] = {}

    def get_template(self, template_name):
        template = self._template(template_name)
        return _SelectTemplate(template) if template_name == SELECT else template

    def _template(self, template_name):
        engine = self._engine_by_name.get(template_name)
        if engine is None:
            try:
                template = self._jinja.get_template(template_name)
            except TemplateDoesNotExist:
                template = self._django.get_template(template_name)
                self._engine_by_name[template_name] = self._django
            else:
                self._engine_by_name[template_name] = self._jinja
            return template
        return engine.get_template(template_name)
