"""The form renderer: Django's own form and widget templates through Jinja2, every other template (the admin's
widgets, an app's own) through Django's template engine as before.

Why: a filter form's <select> renders one template per <option>, and Django's engine made the 140-option filter
form of /placeringar/ cost a third of the page (38 of 110 ms at national scale). Django ships the same templates
for Jinja2 (django/forms/jinja2), which compiles them to Python: the same HTML in a fifth of the time. Jinja2 alone
(django.forms.renderers.Jinja2) would not find the admin's widget templates, which exist only for Django's engine.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FastFormRenderer(BaseRenderer):
    def __init__(self):
        self._jinja = Jinja2()
        self._django = DjangoTemplates()
        self._engine_by_name: dict[str, BaseRenderer] = {}

    def get_template(self, template_name):
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
