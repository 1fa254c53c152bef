"""The fördelning form (socialtjanst.assignment): whom, from when. The cases come as checkboxes named `case`
on Att göra, or as one hidden `case` on the case page; the service checks each against the user's units."""

from django import forms
from django.utils import timezone

from common.date_window import validate_case_date

from .users import user_full_name

TO_USER_LABEL = "Ansvarig handläggare"
ON_LABEL = "Gäller från"


class HandlaggareChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return user_full_name(obj)


class AssignForm(forms.Form):
    to_user = HandlaggareChoiceField(label=TO_USER_LABEL, queryset=None, empty_label="Välj handläggare")
    on = forms.DateField(label=ON_LABEL, initial=timezone.localdate, validators=[validate_case_date],
                         widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = users

    def case_ids(self) -> list[int]:
        """The chosen cases; anything but a number is ignored (the service answers for the rest)."""
        return [int(v) for v in self.data.getlist("case") if v.isdigit() and len(v) <= 18]
