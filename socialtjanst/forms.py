from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from common.date_window import validate_case_date

from . import grants
from .access import CROSS_UNIT_REASON_HELP, CROSS_UNIT_REASONS
from .identity import parse_id_number
from .models import Gender, Unit

REASON_OTHER = "annat"
REASON_TEXT_MISSING = "Beskriv skälet."


class CrossUnitReasonMixin(forms.Form):
    """"Skäl": asked of everyone, required by the service only when the person's cases are all in other
    units (access.cross_unit_reason_check). cleaned_data["reason"] is the text kept with the case."""

    reason_choice = forms.ChoiceField(
        label="Skäl", required=False, help_text=CROSS_UNIT_REASON_HELP,
        choices=[("", "– inget skäl angivet –"), *CROSS_UNIT_REASONS, (REASON_OTHER, "Annat skäl (beskriv nedan)")],
    )
    reason_text = forms.CharField(label="Skäl, beskrivning", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if not name.startswith("reason_")])  # the reason last

    def clean(self):
        data = super().clean()
        label = dict(CROSS_UNIT_REASONS).get(data.get("reason_choice"), "")
        text = (data.get("reason_text") or "").strip()
        if data.get("reason_choice") == REASON_OTHER and not text:
            self.add_error("reason_text", REASON_TEXT_MISSING)
        data["reason"] = f"{label}: {text}" if label and text else label or text
        return data


class CaseOpenForm(CrossUnitReasonMixin, forms.Form):
    id_number = forms.CharField(label="Personnummer", max_length=13, help_text="ÅÅÅÅMMDD-NNNN")
    first_name = forms.CharField(label="Förnamn", max_length=100)
    last_name = forms.CharField(label="Efternamn", max_length=100)
    address = forms.CharField(label="Adress", max_length=300, required=False)
    protected_identity = forms.BooleanField(label="Skyddade personuppgifter", required=False)
    unit = forms.ModelChoiceField(label="Enhet", queryset=Unit.objects.none())
    opened_on = forms.DateField(label="Öppnat", required=False, help_text="Tomt = i dag",
                                validators=[validate_case_date])

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        parse_id_number(value)  # shape of the one field: raises the Swedish message
        return value


class PersonUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    first_name = forms.CharField(label="Förnamn", max_length=100)
    last_name = forms.CharField(label="Efternamn", max_length=100)
    gender = forms.ChoiceField(label="Kön", choices=Gender.choices)
    address = forms.CharField(label="Adress", max_length=300, required=False)
    protected_identity = forms.BooleanField(label="Skyddade personuppgifter", required=False)


class CaseCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = forms.DateField(label="Avslutat", validators=[validate_case_date])


def validation_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- Behörighet skyddade personuppgifter (socialtjanst.grants) ------------------------------


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{obj.username} ({name})" if name else obj.username


class GrantForm(forms.Form):
    user = AccountChoiceField(label="Konto", queryset=User.objects.none())
    reason = forms.CharField(label="Skäl", max_length=grants.REASON_MAX_LENGTH,
                             help_text="Varför kontot behöver se skyddade personuppgifter. Sparas i åtkomstloggen.")

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = grants.protected_identity_candidates(by)


class RevokeForm(forms.Form):
    user = forms.ModelChoiceField(label="Konto", queryset=User.objects.none(), widget=forms.HiddenInput)
    reason = forms.CharField(label="Skäl (valfritt)", max_length=grants.REASON_MAX_LENGTH, required=False)

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = grants.protected_identity_revocable(by)
