from django import forms
from django.core.exceptions import ValidationError

from .date_window import validate_case_date
from .identity import parse_id_number
from .models import Gender, Unit


class CaseOpenForm(forms.Form):
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
