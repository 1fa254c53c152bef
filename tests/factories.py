"""Factories for test data. Every personnummer is from Skatteverket's test series."""

import datetime
import functools
import itertools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from socialtjanst.demo import ensure_roles
from socialtjanst.identity import synthetic_id_number
from socialtjanst.models import Case, Person, TargetGroup, Unit, UnitMembership

_serial = itertools.count()


def next_id_number(birth_date: datetime.date | None = None) -> str:
    n = next(_serial)
    birth = birth_date or datetime.date(2010, 1, 1) + datetime.timedelta(days=n // 20)
    return synthetic_id_number(birth, n)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ENH{n}")
    name = factory.Sequence(lambda n: f"Enhet {n}")
    target_group = TargetGroup.CHILDREN


@functools.cache
def _hashed(raw: str, hashers: tuple[str, ...]) -> str:
    return make_password(raw)


def hash_once(raw: str) -> str:
    """make_password, once per password and hasher setting: PBKDF2 costs 0,3 s of CPU, and the factory hashed
    for every user it built or only looked up. The users share a salt."""
    return _hashed(raw, tuple(settings.PASSWORD_HASHERS))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Användare{n}")
    password = factory.django.Password("test-losen-123", transform=hash_once)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            ensure_roles()
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        for unit in extracted or []:
            UnitMembership.objects.get_or_create(user=self, unit=unit)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    id_number = factory.LazyFunction(next_id_number)
    id_kind = "personnummer"
    first_name = factory.Iterator(["Alva", "Liam", "Maja", "Noah"])
    last_name = factory.Sequence(lambda n: f"Testsson{n}")
    gender = "okant"
    birth_date = factory.LazyAttribute(lambda o: datetime.date.fromisoformat(o.id_number[:8]))
    address = "Testgatan 1, 123 45 Demokommun"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    opened_on = datetime.date(2024, 1, 15)
