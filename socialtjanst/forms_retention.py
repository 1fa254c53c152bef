"""Forms of the gallring page: the shape of each field only; the rules are in socialtjanst.retention."""

from django import forms


class LegalHoldForm(forms.Form):
    case = forms.IntegerField(label="Ärendenummer", min_value=1, max_value=2**63 - 1,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    # Not required here: socialtjanst.retention says what is missing, in one message.
    reason = forms.CharField(label="Skäl", max_length=400, required=False,
                             help_text="Varför ärendet inte får gallras, t.ex. en pågående rättsprocess. "
                                       "Sparas i åtkomstloggen.")


class LegalHoldReleaseForm(forms.Form):
    case = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(label="Skäl till att bevarandet hävs", max_length=400)


class PaternityAdoptionForm(forms.Form):
    case = forms.IntegerField(label="Ärendenummer", min_value=1, max_value=2**63 - 1,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                              help_text="Ett faderskaps- eller adoptionsärende gallras aldrig.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="fa", **kwargs)
