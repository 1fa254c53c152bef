from django import forms
from django.utils import timezone

from common.date_window import validate_case_date, validate_past_date

from .forms import CrossUnitReasonMixin
from .identity import parse_id_number
from .intake_service import received_at_check
from .models import (
    Channel,
    ConcernCategory,
    DecisionKind,
    Gender,
    IntakeKind,
    InterventionKind,
    InvestigationOutcome,
    LegalBasis,
    ReporterCategory,
    SafetyResult,
    ScreeningOutcome,
    TargetGroup,
    Track,
    Unit,
)

DATE = forms.DateInput(attrs={"type": "date"})
# The date window (common.date_window) of every date field below.
CASE_DATE, PAST_DATE = [validate_case_date], [validate_past_date]
MISSING_PERSON = "Ange personnummer, eller namn och födelsedatum om personnumret är okänt."
# Wording follows the units' target group: a report about a child, an adult's own application.
ID_NUMBER_LABEL_CHILD, ID_NUMBER_LABEL = "Barnets personnummer", "Personnummer"
# A choice that decides something is never preselected: the user picks it, or the form says so.
CHOOSE = [("", "– välj –")]


def _choose(choices) -> list:
    return [*CHOOSE, *choices]


class IntakeForm(CrossUnitReasonMixin, forms.Form):
    id_number = forms.CharField(label=ID_NUMBER_LABEL, max_length=13, required=False,
                                help_text="ÅÅÅÅMMDD-NNNN. Lämna tomt om det är okänt.")
    first_name = forms.CharField(label="Förnamn", max_length=100, required=False)
    last_name = forms.CharField(label="Efternamn", max_length=100, required=False)
    birth_date = forms.DateField(label="Födelsedatum (om personnummer saknas)", required=False, widget=DATE,
                                 validators=PAST_DATE)
    gender = forms.ChoiceField(label="Kön (om personnummer saknas)", choices=Gender.choices, initial=Gender.UNKNOWN)
    unit = forms.ModelChoiceField(label="Enhet", queryset=Unit.objects.none())
    kind = forms.ChoiceField(label="Typ", choices=IntakeKind.choices, initial=IntakeKind.REPORT)
    received_at = forms.DateTimeField(label="Inkom", initial=timezone.now, validators=PAST_DATE,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    channel = forms.ChoiceField(label="Kanal", choices=Channel.choices, initial=Channel.PHONE)
    reporter_category = forms.ChoiceField(label="Anmälare", choices=_choose(ReporterCategory.choices))
    reporter_contact = forms.CharField(label="Anmälarens kontaktuppgifter", max_length=300, required=False)
    concern_categories = forms.MultipleChoiceField(label="Oron gäller", choices=ConcernCategory.choices,
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    concern_text = forms.CharField(label="Beskrivning", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    # Fördelning (socialtjanst.assignment): a new case lands in the unit's Ofördelade unless this is ticked.
    take_case = forms.BooleanField(label="Jag tar ärendet", required=False,
                                   help_text="Annars hamnar ett nytt ärende bland enhetens ofördelade.")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        intake_units = units.filter(is_intake=True)
        if intake_units.exists():
            self.fields["unit"].initial = intake_units.first()
        self.for_children = not units.exclude(target_group=TargetGroup.CHILDREN).exists()
        if self.for_children:
            self.fields["id_number"].label = ID_NUMBER_LABEL_CHILD

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        received_at_check(value)  # the e-tjänst API's rule too (intake_service)
        return value

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if value:
            return parse_id_number(value).canonical
        return ""

    def clean(self):
        data = super().clean()
        if not data.get("id_number") and not (data.get("first_name") and data.get("last_name")
                                              and data.get("birth_date")):
            if not self.errors.get("id_number"):
                raise forms.ValidationError(MISSING_PERSON)
        return data


class SafetyForm(forms.Form):
    assessed_on = forms.DateField(label="Bedömd", widget=DATE, initial=timezone.localdate, validators=CASE_DATE)
    result = forms.ChoiceField(label="Resultat", choices=_choose(SafetyResult.choices))


class ScreeningForm(forms.Form):
    decided_on = forms.DateField(label="Beslutsdatum", widget=DATE, initial=timezone.localdate, validators=CASE_DATE)
    outcome = forms.ChoiceField(label="Beslut", choices=_choose(ScreeningOutcome.choices))
    track = forms.ChoiceField(label="Spår (om utredning inleds)", choices=Track.choices, initial=Track.SECOND_LINE)
    linked_investigation = forms.IntegerField(label="Utrednings-id (vid koppling)", required=False)
    extraordinary_reason = forms.CharField(label="Synnerliga skäl (om fristen förlängs)", required=False,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    extended_due_on = forms.DateField(label="Förlängd frist", required=False, widget=DATE, validators=CASE_DATE)
    extension_decided_on = forms.DateField(
        label="Synnerliga skäl beslutade", required=False, widget=DATE, validators=CASE_DATE,
        help_text="Förlänger fristen bara om beslutet fattades inom 14 dagar från att anmälan kom in.",
    )


class ExtensionForm(forms.Form):
    decided_on = forms.DateField(label="Beslutsdatum", widget=DATE, initial=timezone.localdate, validators=CASE_DATE)
    new_due_on = forms.DateField(label="Ny tidsfrist", widget=DATE, validators=CASE_DATE)
    reason = forms.CharField(label="Särskilda skäl", widget=forms.Textarea(attrs={"rows": 2}))


class ChildInterviewForm(forms.Form):
    held_on = forms.DateField(label="Barnsamtal hållet", required=False, widget=DATE, validators=CASE_DATE)
    not_held_reason = forms.CharField(label="Skäl till att barnsamtal inte hållits", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class InvestigationCompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = forms.DateField(label="Avslutad", widget=DATE, initial=timezone.localdate, validators=CASE_DATE)
    outcome = forms.ChoiceField(label="Utfall", choices=_choose(InvestigationOutcome.choices))


class DecisionForm(forms.Form):
    investigation = forms.IntegerField(widget=forms.HiddenInput, required=False)
    legal_basis = forms.ChoiceField(label="Lagrum", choices=LegalBasis.choices)
    kind = forms.ChoiceField(label="Beslut", choices=_choose(DecisionKind.choices))
    decided_on = forms.DateField(label="Beslutsdatum", widget=DATE, initial=timezone.localdate, validators=CASE_DATE)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label="Insats", choices=InterventionKind.choices)
    started_on = forms.DateField(label="Verkställd (tomt = ännu inte)", required=False, widget=DATE,
                                 validators=CASE_DATE)


class InterventionDateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label="Datum", widget=DATE, initial=timezone.localdate, validators=CASE_DATE)
