"""Every form class of the three apps, fed random text, numbers, dates and junk as field values (hypothesis):
validating never raises, whatever arrives. The forms are found by walking the forms modules, so a new form
is fuzzed without anyone adding it here; a new required constructor argument fails with a message."""

import importlib
import inspect

import pytest
from django import forms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialtjanst.models import Unit

FORM_MODULES = ["socialtjanst.forms", "socialtjanst.forms_caseflow", "socialtjanst.forms_controls",
                "socialtjanst.forms_indicators", "socialtjanst.etjanst_forms", "placements.forms", "budget.forms"]

JUNK = st.one_of(
    st.text(max_size=200),
    st.integers().map(str),
    st.dates().map(str),
    st.sampled_from(["99999999999999999999", "-5", "²", "9999-13-45", "0001-01-01", "1e999", "NaN", "", " ",
                     "x" * 10_001, "2025-02-30", "12,5", "1 000", "\x00"]),
    st.text(alphabet="0123456789-.,:eE+ ", max_size=30),
)
# The e-tjänst form takes parsed JSON, so any JSON value may arrive in a field.
JSON_JUNK = st.one_of(JUNK, st.integers(), st.none(), st.booleans(), st.lists(st.text(max_size=20), max_size=3),
                      st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))


def form_classes():
    found = {}
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, forms.BaseForm) and obj.__module__ == module_name \
                    and not name.startswith("_") and obj.base_fields:
                found[f"{module_name}.{name}"] = obj
    return found


FORMS = form_classes()


def constructor_kwargs(form_class, user) -> dict:
    """The keyword arguments a form needs besides its data, from what the views pass."""
    available = {"units": Unit.objects.all(), "user": user, "by": user, "person": None, "budget": None,
                 "editing": False}
    needed = {}
    for klass in form_class.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for param in inspect.signature(init).parameters.values():
            if param.kind is param.KEYWORD_ONLY and param.name not in needed:
                assert param.name in available or param.default is not param.empty, \
                    f"{form_class.__name__} needs {param.name}=: add it to constructor_kwargs"
                if param.name in available:
                    needed[param.name] = available[param.name]
    return needed


def test_the_walk_finds_the_forms():
    assert len(FORMS) >= 20
    assert "socialtjanst.etjanst_forms.ETjanstIntakeForm" in FORMS and "budget.forms.BudgetForm" in FORMS


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(FORMS))
def test_validating_junk_never_raises(path, units, handlaggare):
    form_class = FORMS[path]
    kwargs = constructor_kwargs(form_class, handlaggare)
    names = list(form_class.base_fields)
    values = JSON_JUNK if path.endswith("ETjanstIntakeForm") else JUNK

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(names, values)))
    def validate(data):
        form = form_class(data, **kwargs)
        form.is_valid()  # the assertion: no exception, whatever the values
        assert all(isinstance(messages, list) for messages in form.errors.values())

    validate()
