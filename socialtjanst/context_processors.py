from . import access
from .two_factor import two_factor_pending


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"user_roles": sorted(access.user_roles(user)), "user_units": access.user_units(user),
            "two_factor_pending": two_factor_pending(request)}
