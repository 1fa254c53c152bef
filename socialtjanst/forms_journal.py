"""The journal draft's form: every field optional, since a draft is saved as it is typed; signing
(socialtjanst.journal.journal_draft_sign) asks for what an entry needs."""

from django import forms
from django.utils import timezone

from .forms_caseflow import DATE, _choose
from .models import JournalEntry, JournalKind


class CorrectsChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.occurred_on:%Y-%m-%d} {obj.get_kind_display()} (nr {obj.pk})"


class JournalDraftForm(forms.Form):
    occurred_on = forms.DateField(label="Datum", required=False, widget=DATE)
    kind = forms.ChoiceField(label="Typ", required=False, choices=_choose(JournalKind.choices))
    with_whom = forms.CharField(label="Med vem", required=False, max_length=200)
    text = forms.CharField(label="Anteckning", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    corrects = CorrectsChoiceField(label="Korrigerar anteckning", required=False, queryset=JournalEntry.objects.none(),
                                   empty_label="– ingen, en ny anteckning –")
    correction_reason = forms.CharField(label="Skäl till korrigeringen", required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].queryset = JournalEntry.objects.filter(case=case).order_by("-occurred_on", "-pk")

    @staticmethod
    def initial_from(draft, *, corrects: str = "") -> dict:
        """The draft as it was saved; a new draft starts today. `corrects` (a "Korrigera" link) preselects the
        entry to correct when the draft names none yet."""
        if draft is None:
            return {"occurred_on": timezone.localdate(), "corrects": corrects or None}
        return {"occurred_on": draft.occurred_on, "kind": draft.kind, "with_whom": draft.with_whom,
                "text": draft.text, "corrects": draft.corrects_id or corrects or None,
                "correction_reason": draft.correction_reason}
