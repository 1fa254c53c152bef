from django import forms
from django.core.exceptions import ValidationError

from common.date_window import OUT_OF_RANGE_CODE, validate_case_date, validate_rollup_date
from common.uploads import import_file_size_validator
from socialtjanst import access
from socialtjanst.identity import parse_id_number
from socialtjanst.models import LegalBasis, Unit

from . import selectors
from .days import MONTH_OUT_OF_RANGE, YEAR_MAX, YEAR_MIN
from .models import (
    Agreement,
    AgreementKind,
    CareType,
    EndReason,
    FeeKind,
    FosterCarePaymentKind,
    IvoCheckResult,
    Provider,
    RemovalBanOutcome,
    normalise_org_number,
)
from .models.placement import LvuGround

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The date window (common.date_window) of every date field below.
CASE_DATE, ROLLUP_DATE = [validate_case_date], [validate_rollup_date]


def validate_rollup_month(value) -> None:
    """The roll-up window for a month field, said as a month (the same years as validate_rollup_date)."""
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(MONTH_OUT_OF_RANGE, code=OUT_OF_RANGE_CODE)


def _amount(label):
    return forms.DecimalField(label=label, max_digits=12, decimal_places=2, min_value=0, required=False,
                              localize=True)


class PriceFields(forms.Form):
    daily_price = _amount("Dygnspris (kr)")
    monthly_amount = _amount("Månadsbelopp (kr)")


def _agreement_field():
    return forms.ModelChoiceField(
        label="Avtal", queryset=Agreement.objects.select_related("provider"), required=False,
        help_text="Utan angivet pris kopieras avtalets priser för vårdformen till placeringen.",
    )


def _agreement_label(agreement: Agreement) -> str:
    return f"{agreement.provider.name}: {agreement}"


class PlacementCreateForm(PriceFields):
    id_number = forms.CharField(label="Personnummer", max_length=13, help_text="ÅÅÅÅMMDD-NNNN")
    care_type = forms.ModelChoiceField(label="Vårdform", queryset=CareType.objects.filter(active=True))
    provider = forms.ModelChoiceField(label="Utförare", queryset=Provider.objects.all(), required=False,
                                      help_text="Krävs för köpta vårdformer.")
    agreement = _agreement_field()
    intervention = forms.ModelChoiceField(label="Beslut / insats", queryset=None,
                                          required=False)
    parent_placement = forms.ModelChoiceField(label="Förälderns placering (LSB)", queryset=None,
                                              required=False, help_text="Endast för barn placerade enligt LSB.")
    unit = forms.ModelChoiceField(label="Ansvarig enhet", queryset=Unit.objects.none())
    legal_basis = forms.ChoiceField(label="Lagrum", choices=LegalBasis.choices)
    lvu_ground = forms.ChoiceField(label="LVU-grund", required=False, choices=[("", "–"), *LvuGround.choices],
                                   help_text="Vård enligt LVU: 2 § ger övervägande, 3 § omprövning var sjätte månad.")
    start_on = forms.DateField(label="Startdatum", widget=DATE, validators=ROLLUP_DATE)
    end_on = forms.DateField(label="Slutdatum", required=False, widget=DATE, help_text="Tomt = pågående",
                             validators=ROLLUP_DATE)
    ivo_checked_on = forms.DateField(label="Kontroll i IVO:s placeringsstöd", required=False, widget=DATE,
                                     validators=CASE_DATE)
    ivo_check_result = forms.ChoiceField(label="Resultat av IVO-kontrollen", required=False,
                                         choices=[("", "–"), *IvoCheckResult.choices])
    field_order = ["id_number", "intervention", "care_type", "provider", "agreement", "unit", "legal_basis",
                   "lvu_ground", "parent_placement", "start_on", "end_on", "daily_price", "monthly_amount",
                   "ivo_checked_on", "ivo_check_result"]

    def __init__(self, *args, units, user, person=None, **kwargs):
        """`person` (when known) limits the insatser to that person's; the service checks the link anyway."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["agreement"].label_from_instance = _agreement_label
        intervention = self.fields["intervention"]
        intervention.queryset = selectors.interventions_for_placement(user, person)
        intervention.label_from_instance = lambda i: (
            f"{i.get_kind_display()}, beslut {i.decision.decided_on.isoformat()} ({i.decision.legal_basis})")
        parent = self.fields["parent_placement"]
        parent.queryset = selectors.placement_choices_for_parent(user).select_related("person")
        parent.label_from_instance = lambda p: (
            f"{access.person_identity(user, p.person).name}: {p.describe()}")

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).canonical


class PlacementMoveForm(PriceFields):
    move_on = forms.DateField(label="Flyttdatum", widget=DATE, validators=ROLLUP_DATE,
                              help_text="Nuvarande placering avslutas och nästa börjar detta datum.")
    care_type = forms.ModelChoiceField(label="Ny vårdform", queryset=CareType.objects.filter(active=True))
    provider = forms.ModelChoiceField(label="Utförare", queryset=Provider.objects.all(), required=False)
    agreement = _agreement_field()
    ivo_checked_on = forms.DateField(label="Kontroll i IVO:s placeringsstöd", required=False, widget=DATE,
                                     validators=CASE_DATE)
    ivo_check_result = forms.ChoiceField(label="Resultat av IVO-kontrollen", required=False,
                                         choices=[("", "–"), *IvoCheckResult.choices])
    # The child's participation (placements.lilla_hjartat decides when it is required and what is enough).
    informed = forms.BooleanField(label="Barnet har fått information om flytten", required=False)
    heard = forms.BooleanField(label="Barnet har fått framföra sina åsikter", required=False)
    child_view = forms.CharField(label="Barnets inställning till flytten", required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    reason_not = forms.CharField(label="Skäl om barnet inte informerats eller hörts", required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["move_on", "care_type", "provider", "agreement", "daily_price", "monthly_amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].label_from_instance = _agreement_label


class PlacementEndForm(forms.Form):
    end_on = forms.DateField(label="Slutdatum", widget=DATE, help_text="Den dag personen flyttade ut.",
                             validators=ROLLUP_DATE)
    # No reason preselected: the user says why the placement ended (issue 14).
    end_reason = forms.ChoiceField(label="Avslutsorsak", choices=[("", "– välj –"), *EndReason.choices])
    # Lex lilla hjärtat: required by placements.lilla_hjartat when a child's familjehem placement ends.
    removal_ban_considered_on = forms.DateField(
        label="Flyttningsförbud övervägt den", required=False, widget=DATE, validators=CASE_DATE,
        help_text="Krävs när ett barns placering i familjehem avslutas.")
    removal_ban_outcome = forms.ChoiceField(label="Ställningstagande om flyttningsförbud", required=False,
                                            choices=[("", "– välj –"), *RemovalBanOutcome.choices])
    removal_ban_motivation = forms.CharField(label="Motivering (journalförs)", required=False,
                                             widget=forms.Textarea(attrs={"rows": 3}))


class PricePeriodForm(PriceFields):
    valid_from = forms.DateField(label="Gäller från", widget=DATE, validators=ROLLUP_DATE)
    # The price list's version the page showed (optimistic locking, services.price_period_set).
    price_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    field_order = ["valid_from", "daily_price", "monthly_amount"]


class PlacementImportForm(forms.Form):
    file = forms.FileField(label="Fil (.xlsx eller .csv)", validators=[import_file_size_validator])

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError("Filen måste vara .xlsx eller .csv.")
        return f


class FosterCarePaymentForm(forms.Form):
    month = forms.DateField(label="Månad", input_formats=["%Y-%m"], help_text="ÅÅÅÅ-MM",
                            validators=[validate_rollup_month],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    kind = forms.ChoiceField(label="Slag", choices=FosterCarePaymentKind.choices)
    amount = forms.DecimalField(label="Belopp (kr)", max_digits=12, decimal_places=2, min_value=0, localize=True,
                                help_text="Avdrag för barnbidrag/studiebidrag anges som positivt belopp.")
    comment = forms.CharField(label="Kommentar", required=False, widget=forms.TextInput)


class FosterCareTermsForm(forms.Form):
    """How an own familjehem is paid from a date (SKR's rule, placements.skr); services check the rest."""

    valid_from = forms.DateField(label="Gäller från", widget=DATE, validators=ROLLUP_DATE)
    fee_kind = forms.ChoiceField(label="Arvode", choices=FeeKind.choices, initial=FeeKind.BASE)
    fee_change = forms.DecimalField(label="Höjning/sänkning av arvodet (kr per månad)", required=False,
                                    max_digits=12, decimal_places=2, min_value=0, localize=True)
    fee_change_percent = forms.DecimalField(label="eller steg (% av grundarvodet)", required=False, max_digits=5,
                                            decimal_places=2, min_value=0, localize=True)
    fee_reason = forms.CharField(label="Skäl för förhöjt/reducerat arvode", required=False, max_length=200)
    expenses_raise_percent = forms.DecimalField(
        label="Höjd omkostnad (procentenheter över grundkostnaden)", required=False, max_digits=5,
        decimal_places=2, min_value=0, localize=True, help_text="Höjs högst till den skattefria nivån.")
    expenses_reason = forms.CharField(label="Skäl för höjd omkostnad", required=False, max_length=200)
    child_benefit_deduction = forms.DecimalField(
        label="Avdrag barnbidrag/studiebidrag (kr per månad)", required=False, max_digits=12, decimal_places=2,
        min_value=0, localize=True, help_text="När bidraget betalas direkt till familjehemmet.")
    negotiated_fee = forms.DecimalField(label="Avtalat arvode (kr per månad)", required=False, max_digits=12,
                                        decimal_places=2, min_value=0, localize=True)
    negotiated_expenses = forms.DecimalField(label="Avtalad omkostnad (kr per månad)", required=False,
                                             max_digits=12, decimal_places=2, min_value=0, localize=True)


# --- the controller's reference data -------------------------------------------------


class ProviderForm(forms.Form):
    name = forms.CharField(label="Namn", max_length=200)
    org_number = forms.CharField(label="Organisationsnummer", max_length=13, help_text="NNNNNN-NNNN")
    code = forms.CharField(label="Kod", max_length=40, required=False)
    ivo_permit = forms.CharField(label="IVO-tillstånd (diarienummer)", max_length=60, required=False)
    ivo_permit_valid_until = forms.DateField(label="IVO-tillstånd gäller till", required=False, widget=DATE,
                                             validators=ROLLUP_DATE)

    def clean_org_number(self):
        return normalise_org_number(self.cleaned_data["org_number"])


class AgreementForm(forms.Form):
    provider = forms.ModelChoiceField(label="Utförare", queryset=Provider.objects.all())
    kind = forms.ChoiceField(label="Avtalstyp", choices=AgreementKind.choices)
    reference = forms.CharField(label="Avtalsnummer", max_length=60)
    framework = forms.ModelChoiceField(label="Ramavtal (för avrop)", required=False,
                                       queryset=Agreement.objects.filter(kind=AgreementKind.FRAMEWORK)
                                       .select_related("provider"))
    valid_from = forms.DateField(label="Gäller från", widget=DATE, validators=ROLLUP_DATE)
    valid_to = forms.DateField(label="Gäller till och med", required=False, widget=DATE, validators=ROLLUP_DATE)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].label_from_instance = _agreement_label
        if editing:  # a new provider is a new agreement
            del self.fields["provider"]


class AgreementPriceForm(forms.Form):
    care_type = forms.ModelChoiceField(label="Vårdform", queryset=CareType.objects.filter(active=True))
    valid_from = forms.DateField(label="Gäller från", widget=DATE, validators=ROLLUP_DATE)
    daily_price = forms.DecimalField(label="Dygnspris (kr)", max_digits=12, decimal_places=2, min_value=0,
                                     localize=True)
