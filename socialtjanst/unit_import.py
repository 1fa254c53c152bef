"""Import of units, accounts and unit memberships for a new installation (docs/units.md).

One sheet, one row per unit, per account or per account in a unit: `enhet` names a unit (created, or brought
in line with the row's name, target group and intake flag), `användare` an account (created without a
password when new: it logs in through the municipality's IdP with `identitet`, or gets a password in the
admin) with its role, and a row with both gives the account the unit. The rules are every import's
(common.import_files): .xlsx or .csv, errors naming the row and the column, the upload size limit.

All or nothing: every row is checked before anything is written, and any error writes nothing. Idempotent:
a value that already matches is not written, so a second import of the same file changes nothing.
Memberships and accounts the file does not mention are left as they are (the import never removes).
"""

import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from common.import_files import ERROR, ImportFileError, parse_text, read_table, text
from common.uploads import file_too_large_message

from . import grants
from .audit import audit_record
from .bootstrap import ACCOUNT_CREATED, ROLE_CHANGE
from .models import AccessAction, Case, ExternalIdentity, TargetGroup, Unit, UnitMembership
from .oidc_identity import NO_ISSUER, SUBJECT_TAKEN, external_identity_link
from .roles import Role

COLUMNS = ["enhet", "enhet_namn", "målgrupp", "mottagning", "användare", "roll", "förnamn", "efternamn", "e-post",
           "identitet"]
TEXT_FIELDS = {
    "enhet": Unit._meta.get_field("code"), "enhet_namn": Unit._meta.get_field("name"),
    "användare": User._meta.get_field("username"), "förnamn": User._meta.get_field("first_name"),
    "efternamn": User._meta.get_field("last_name"), "e-post": User._meta.get_field("email"),
    "identitet": ExternalIdentity._meta.get_field("subject"),
}
# Roles a file may give. Systemförvaltare, who administers accounts, is given only by create_systemforvaltare
# or another systemförvaltare in the admin, never by a file.
IMPORTABLE_ROLES = (Role.HANDLAGGARE, Role.ENHETSCHEF, Role.CONTROLLER)
ROLES_WITH_UNITS = (Role.HANDLAGGARE, Role.ENHETSCHEF)

NO_UNIT_OR_USER = "ange enhet, användare eller båda."
NEW_UNIT_NEEDS = "enheten {code} finns inte; ange enhet_namn och målgrupp för att skapa den."
BAD_TARGET_GROUP = "okänd målgrupp '{value}' (ange barn eller vuxna)."
BAD_YES_NO = "skriv ja eller nej ('{value}')."
BAD_ROLE = "okänd roll '{value}' (ange Handläggare, Enhetschef eller Controller)."
ROLE_WITHOUT_UNITS = "rollen {role} har inga enheter; lämna enhet tom."
NEW_USER_NEEDS_ROLE = "kontot {username} finns inte; ange roll för att skapa det."
USER_IS_ADMIN = "kontot {username} är systemförvaltare och ändras inte genom import."
USER_INACTIVE = "kontot {username} är inaktiverat och ändras inte genom import."
BAD_USERNAME = "ogiltigt användarnamn '{value}' (bokstäver, siffror och @ . + - _)."
BAD_EMAIL = "ogiltig e-postadress '{value}'."
CONFLICT = "annat värde än rad {first} för {what}."
DUPLICATE_MEMBERSHIP = "samma användare och enhet som rad {first}."
TARGET_GROUP_WITH_CASES = "enheten {code} har ärenden; målgruppen ändras inte genom import."
NO_KEY_COLUMN = "Kolumnen 'enhet' eller 'användare' saknas i filen."
UNITS_ADDED = "enheter tillagda"

_TARGET_GROUPS = {"barn": TargetGroup.CHILDREN, "barn_unga": TargetGroup.CHILDREN,
                  "barn_och_unga": TargetGroup.CHILDREN, "vuxna": TargetGroup.ADULTS, "vuxen": TargetGroup.ADULTS}
_YES_NO = {"ja": True, "j": True, "x": True, "1": True, "nej": False, "n": False, "0": False}


def _fold(value) -> str:
    """'Barn och unga', 'BARN_OCH_UNGA' → 'barn_och_unga'; 'Handläggare' → 'handlaggare'."""
    folded = "_".join(text(value).lower().split())
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


_ROLES = {_fold(role.value): role for role in Role}


class UnitImportError(ImportFileError):
    pass


@dataclass
class UnitImportSummary:
    units_created: list[str] = field(default_factory=list)
    units_changed: list[str] = field(default_factory=list)
    units_unchanged: int = 0
    users_created: list[str] = field(default_factory=list)
    roles_changed: list[str] = field(default_factory=list)
    memberships_added: int = 0

    @property
    def lines(self) -> list[str]:
        lines = [f"{len(self.units_created)} enheter skapade, {len(self.units_changed)} ändrade, "
                 f"{self.units_unchanged} oförändrade.",
                 f"{len(self.users_created)} konton skapade, {len(self.roles_changed)} fick ny roll, "
                 f"{self.memberships_added} enhetsmedlemskap tillagda."]
        if self.users_created:
            lines.append("Nya konton (utan lösenord): " + ", ".join(self.users_created) + ".")
        return lines


@dataclass
class _UnitSpec:
    code: str
    row: int  # the first row naming the unit
    values: dict = field(default_factory=dict)  # name, target_group, is_intake as the rows give them
    value_rows: dict = field(default_factory=dict)  # the row each value came from


@dataclass
class _UserSpec:
    username: str
    row: int
    role: Role | None = None
    role_row: int = 0
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    subject: str = ""
    units: dict = field(default_factory=dict)  # code → row


def _cell(values: dict, column: str, err) -> str:
    if column not in TEXT_FIELDS:
        return text(values.get(column))
    try:
        return parse_text(values.get(column), TEXT_FIELDS[column])
    except ValueError as exc:
        err(column, str(exc))
        return ""


def _parse(table, errors: list[str]) -> tuple[dict[str, _UnitSpec], dict[str, _UserSpec]]:
    """The units and accounts the rows describe, each merged over the rows that name it."""
    units: dict[str, _UnitSpec] = {}
    users: dict[str, _UserSpec] = {}
    for number, values in table:
        def err(column, reason, number=number):
            errors.append(ERROR.format(row=number, column=column, reason=reason))

        cells = {column: _cell(values, column, err) for column in COLUMNS}
        code, username = cells["enhet"], cells["användare"]
        if not code and not username:
            err("enhet", NO_UNIT_OR_USER)
            continue
        if code:
            unit = units.setdefault(code, _UnitSpec(code=code, row=number))
            given = {}
            if cells["enhet_namn"]:
                given["name"] = ("enhet_namn", cells["enhet_namn"])
            if cells["målgrupp"]:
                target_group = _TARGET_GROUPS.get(_fold(cells["målgrupp"]))
                if target_group is None:
                    err("målgrupp", BAD_TARGET_GROUP.format(value=cells["målgrupp"]))
                else:
                    given["target_group"] = ("målgrupp", target_group)
            if cells["mottagning"]:
                is_intake = _YES_NO.get(_fold(cells["mottagning"]))
                if is_intake is None:
                    err("mottagning", BAD_YES_NO.format(value=cells["mottagning"]))
                else:
                    given["is_intake"] = ("mottagning", is_intake)
            for key, (column, value) in given.items():
                if key in unit.values and unit.values[key] != value:
                    err(column, CONFLICT.format(first=unit.value_rows[key], what=f"enheten {code}"))
                else:
                    unit.values.setdefault(key, value)
                    unit.value_rows.setdefault(key, number)
        if not username:
            continue
        try:
            User.username_validator(username)
        except ValidationError:
            err("användare", BAD_USERNAME.format(value=username))
            continue
        user = users.setdefault(username, _UserSpec(username=username, row=number))
        if cells["roll"]:
            role = _ROLES.get(_fold(cells["roll"]))
            if role not in IMPORTABLE_ROLES:
                err("roll", BAD_ROLE.format(value=cells["roll"]))
            elif user.role is not None and user.role != role:
                err("roll", CONFLICT.format(first=user.role_row, what=f"kontot {username}"))
            else:
                user.role, user.role_row = role, user.role_row or number
        if cells["e-post"]:
            try:
                validate_email(cells["e-post"])
            except ValidationError:
                err("e-post", BAD_EMAIL.format(value=cells["e-post"]))
        for attr, column in (("first_name", "förnamn"), ("last_name", "efternamn"), ("email", "e-post"),
                             ("subject", "identitet")):
            if cells[column]:
                if getattr(user, attr) and getattr(user, attr) != cells[column]:
                    err(column, CONFLICT.format(first=user.row, what=f"kontot {username}"))
                setattr(user, attr, getattr(user, attr) or cells[column])
        if code:
            if code in user.units:
                err("enhet", DUPLICATE_MEMBERSHIP.format(first=user.units[code]))
            user.units.setdefault(code, number)
    return units, users


def _check_against_database(units: dict[str, _UnitSpec], users: dict[str, _UserSpec], errors: list[str]) -> dict:
    """What the rows mean for the rows already in the database; returns the existing accounts by name."""
    existing_units = {u.code: u for u in Unit.objects.filter(code__in=units)}
    units_with_cases = set(Case.objects.filter(unit__code__in=existing_units).values_list("unit__code", flat=True))
    for code, spec in units.items():
        unit = existing_units.get(code)
        if unit is None and not {"name", "target_group"} <= spec.values.keys():
            errors.append(ERROR.format(row=spec.row, column="enhet", reason=NEW_UNIT_NEEDS.format(code=code)))
        if (unit is not None and code in units_with_cases
                and spec.values.get("target_group", unit.target_group) != unit.target_group):
            errors.append(ERROR.format(row=spec.value_rows["target_group"], column="målgrupp",
                                       reason=TARGET_GROUP_WITH_CASES.format(code=code)))
    accounts = {u.username: u for u in User.objects.filter(username__in=users).prefetch_related("groups")}
    issuer = settings.OIDC_ISSUER.strip().rstrip("/")
    subjects = {spec.subject for spec in users.values() if spec.subject}
    holders = dict(ExternalIdentity.objects.filter(issuer=issuer, subject__in=subjects)
                   .values_list("subject", "user__username"))
    for username, spec in users.items():
        account = accounts.get(username)
        def err(column, reason, row=spec.row):
            errors.append(ERROR.format(row=row, column=column, reason=reason))

        if account is not None and any(g.name == Role.SYSTEMFORVALTARE for g in account.groups.all()):
            err("användare", USER_IS_ADMIN.format(username=username))
            continue
        if account is not None and not account.is_active:
            err("användare", USER_INACTIVE.format(username=username))
            continue
        if account is None and spec.role is None:
            err("roll", NEW_USER_NEEDS_ROLE.format(username=username))
        role = spec.role
        if role is None and account is not None:
            role = next((g.name for g in account.groups.all() if g.name in Role.values), None)
        if spec.units and role is not None and role not in ROLES_WITH_UNITS:
            err("enhet", ROLE_WITHOUT_UNITS.format(role=role), row=min(spec.units.values()))
        if spec.subject:
            if not issuer:
                err("identitet", NO_ISSUER)
            elif holders.get(spec.subject, username) != username:
                err("identitet", SUBJECT_TAKEN.format(subject=spec.subject, issuer=issuer))
    return accounts


def parse_unit_file(content: bytes, filename: str) -> tuple[dict[str, _UnitSpec], dict[str, _UserSpec], dict]:
    """Reads and checks the whole file; raises UnitImportError with every error, having written nothing."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise UnitImportError([file_too_large_message()])
    try:
        table = read_table(content, filename, COLUMNS, required=[])
    except ImportFileError as exc:
        raise UnitImportError(exc.errors) from None
    if not {"enhet", "användare"} & {key for _, values in table for key in values}:
        raise UnitImportError([NO_KEY_COLUMN])
    errors: list[str] = []
    units, users = _parse(table, errors)
    accounts = _check_against_database(units, users, errors)
    if errors:
        raise UnitImportError(errors)
    return units, users, accounts


@transaction.atomic
def import_units(*, by=None, content: bytes, filename: str) -> UnitImportSummary:
    """All or nothing (see the module's docstring); each changed account's role and units in the access log."""
    units, users, accounts = parse_unit_file(content, filename)
    by = by or AnonymousUser()
    summary = UnitImportSummary()
    saved_units = {u.code: u for u in Unit.objects.select_for_update().filter(code__in=units)}
    for code, spec in units.items():
        unit = saved_units.get(code)
        if unit is None:
            saved_units[code] = Unit.objects.create(code=code, **{"is_intake": False, **spec.values})
            summary.units_created.append(code)
            continue
        changed = [key for key, value in spec.values.items() if getattr(unit, key) != value]
        if changed:
            for key in changed:
                setattr(unit, key, spec.values[key])
            unit.save(update_fields=changed)
            summary.units_changed.append(code)
        else:
            summary.units_unchanged += 1
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    for username, spec in users.items():
        account = accounts.get(username)
        if account is None:
            account = User(username=username, first_name=spec.first_name, last_name=spec.last_name,
                           email=User.objects.normalize_email(spec.email))
            account.set_unusable_password()
            account.save()
            summary.users_created.append(username)
            grants.audit_grant(by=by, user=account, change=ACCOUNT_CREATED, detail="import_units")
        held = {g.name for g in account.groups.all()} if username in accounts else set()
        if spec.role is not None and held & set(Role.values) != {spec.role}:
            account.groups.remove(*[groups[name] for name in held & set(Role.values)])
            account.groups.add(groups[spec.role])
            summary.roles_changed.append(username)
            grants.audit_grant(by=by, user=account, change=ROLE_CHANGE, detail=spec.role.label)
        have = set(UnitMembership.objects.filter(user=account, unit__code__in=spec.units)
                   .values_list("unit__code", flat=True))
        new = [code for code in spec.units if code not in have]
        UnitMembership.objects.bulk_create([UnitMembership(user=account, unit=saved_units[c]) for c in new])
        summary.memberships_added += len(new)
        if new:
            # The access log row below names the account's units as they are now.
            account._ifo_unit_ids = account._ifo_units = None
            grants.audit_grant(by=by, user=account, change=UNITS_ADDED, detail=", ".join(new))
        if spec.subject:
            external_identity_link(user=account, subject=spec.subject, by=by)
    audit_record(user=by, action=AccessAction.CHANGE, object_type="UnitImport",
                 criteria={"fil": filename, "enheter_skapade": len(summary.units_created),
                           "konton_skapade": len(summary.users_created),
                           "medlemskap_tillagda": summary.memberships_added})
    return summary

