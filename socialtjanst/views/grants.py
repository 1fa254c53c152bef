"""Behörighet skyddade personuppgifter: the four-eyes screen of socialtjanst.grants.

Only a holder of grant_protected_identity who administers no accounts reaches it; anyone else gets
404, like any page outside their scope."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import grants
from ..forms import GrantForm, RevokeForm

PAGE = "socialtjanst:protected_identity_grants"


def _granter_or_404(request):
    if not grants.may_grant(request.user):
        raise Http404
    return request.user


def _holder_rows(by):
    revocable = set(grants.protected_identity_revocable(by).values_list("pk", flat=True))
    return [
        {"user": u, "units": ", ".join(sorted(m.unit.name for m in u.unitmembership_set.all())),
         "revocable": u.pk in revocable, "is_self": u.pk == by.pk}
        for u in grants.protected_identity_holders()
    ]


@require_http_methods(["GET", "POST"])
def protected_identity_grants(request):
    """The holders, and the form to grant (POST here)."""
    by = _granter_or_404(request)
    form = GrantForm(request.POST or None, by=by)
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["user"]
        try:
            grants.protected_identity_grant(by=by, user=account, reason=form.cleaned_data["reason"])
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"{account.username} får nu se skyddade personuppgifter.")
            return redirect(PAGE)
    return render(request, "socialtjanst/protected_identity_grants.html", {
        "form": form, "holders": _holder_rows(by), "permission_label": grants.PERMISSION_LABEL,
    })


@require_POST
def protected_identity_revoke(request):
    by = _granter_or_404(request)
    form = RevokeForm(request.POST, by=by)
    if not form.is_valid():
        messages.error(request, "Välj ett konto som har behörigheten direkt (inte genom en grupp).")
        return redirect(PAGE)
    account = form.cleaned_data["user"]
    try:
        grants.protected_identity_revoke(by=by, user=account, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, f"{account.username} får inte längre se skyddade personuppgifter.")
    return redirect(PAGE)
