"""How a user account is named to the people reading a page or a file: one rule, everywhere."""

UNASSIGNED = "– ej fördelad –"


def user_full_name(user) -> str:
    """"Förnamn Efternamn", or the user name when the account has no name; UNASSIGNED for nobody."""
    if user is None:
        return UNASSIGNED
    return user.get_full_name() or user.username
