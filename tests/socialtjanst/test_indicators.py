import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from socialtjanst.followup import indicators
from socialtjanst.forms_indicators import IndicatorForm
from socialtjanst.models import (
    AccessEvent,
    Assessment,
    Indicator,
    IndicatorComment,
    IndicatorValue,
    Screening,
    Trend,
)
from tests.factories import UserFactory
from tests.socialtjanst.test_intake_statistics import child_case, make_intake, make_screening

D = datetime.date
HIGHER, LOWER = "higher_is_better", "lower_is_better"


def assess(value, target, direction=HIGHER, tolerance=10):
    return indicators.assess(value=None if value is None else Decimal(value), target=Decimal(target),
                             direction=direction, tolerance_percent=Decimal(tolerance))


def test_higher_is_better_met_at_the_target_partly_within_the_tolerance_else_not():
    assert assess("100", "100") == Assessment.MET
    assert assess("100.5", "100") == Assessment.MET
    assert assess("90", "100") == Assessment.PARTLY_MET  # 10 % of the target below it
    assert assess("89.9", "100") == Assessment.NOT_MET
    assert assess("99.9", "100", tolerance=0) == Assessment.NOT_MET
    assert assess(None, "100") is None


def test_lower_is_better_met_at_or_below_the_target():
    assert assess("30", "30", LOWER) == Assessment.MET
    assert assess("12", "30", LOWER) == Assessment.MET
    assert assess("33", "30", LOWER) == Assessment.PARTLY_MET
    assert assess("33.1", "30", LOWER) == Assessment.NOT_MET
    assert assess("0.1", "0", LOWER) == Assessment.NOT_MET  # a target of 0 leaves no room for delvis


def test_trend_follows_the_direction():
    def trend(value, previous, direction=HIGHER):
        return indicators.trend(value=value and Decimal(value), previous=previous and Decimal(previous),
                                direction=direction)

    assert trend("95", "90") == Trend.IMPROVED
    assert trend("85", "90") == Trend.WORSENED
    assert trend("90", "90") == Trend.UNCHANGED
    assert trend("95", "90", LOWER) == Trend.WORSENED
    assert trend("85", "90", LOWER) == Trend.IMPROVED
    assert trend("85", None) is None


@pytest.fixture
def manual(units):
    return Indicator.objects.create(name="Brukarnöjdhet", responsible_unit=units["own"], target_value=80,
                                    unit_of_measure="%", direction=HIGHER)


@pytest.fixture
def computed(units):
    return Indicator.objects.create(name="Andel anmälningar utan utredning", responsible_unit=units["own"],
                                    target_value=40, unit_of_measure="%", direction=LOWER,
                                    source="share_reports_not_investigated")


@pytest.mark.django_db
def test_overview_assesses_the_year_and_compares_with_the_year_before(manual, enhetschef):
    indicators.indicator_value_set(by=enhetschef, indicator_id=manual.pk, year=2023, value=Decimal("75"))
    indicators.indicator_value_set(by=enhetschef, indicator_id=manual.pk, year=2024, value=Decimal("73"))

    [row] = indicators.indicator_overview(enhetschef, 2024)

    assert (row.value, row.previous, row.assessment, row.trend) == (
        Decimal("73"), Decimal("75"), Assessment.PARTLY_MET, Trend.WORSENED)
    assert (row.assessment_label, row.trend_label) == ("Delvis uppfyllt", "Försämrad")


@pytest.mark.django_db
def test_a_hand_set_assessment_replaces_the_computed_one_and_needs_a_reason(manual, enhetschef):
    with pytest.raises(ValidationError) as exc:
        indicators.indicator_value_set(by=enhetschef, indicator_id=manual.pk, year=2024, value=Decimal("70"),
                                       assessment_override=Assessment.MET)
    assert exc.value.messages == ["Ange skälet när du sätter bedömningen för hand."]
    assert not IndicatorValue.objects.exists()

    indicators.indicator_value_set(by=enhetschef, indicator_id=manual.pk, year=2024, value=Decimal("70"),
                                   assessment_override=Assessment.MET, override_reason="Enkäten ändrades.")
    [row] = indicators.indicator_overview(enhetschef, 2024)
    assert (row.assessment, row.overridden) == (Assessment.MET, True)


@pytest.mark.django_db
def test_refresh_fills_computed_values_idempotently_and_keeps_a_hand_set_assessment(computed, manual, enhetschef,
                                                                                   units):
    case = child_case(units["own"])
    reports = [make_intake(case, D(2024, 3, day)) for day in (1, 2, 3, 4)]
    make_screening(reports[0], "inte_inleda")
    for intake in reports[1:]:
        make_screening(intake, "inleda")

    assert indicators.indicators_refresh(year=2024) == 1
    first = list(IndicatorValue.objects.values_list("indicator", "year", "value", "computed"))
    assert first == [(computed.pk, 2024, Decimal("25.0000"), True)]

    indicators.indicator_value_set(by=enhetschef, indicator_id=computed.pk, year=2024, value=None,
                                   assessment_override=Assessment.PARTLY_MET, override_reason="Ny rutin i höstas.")
    call_command("indicators_refresh", "--year", "2024", stdout=io.StringIO())
    assert list(IndicatorValue.objects.values_list("indicator", "year", "value", "computed")) == first
    assert IndicatorValue.objects.get().assessment_override == Assessment.PARTLY_MET
    assert AccessEvent.objects.filter(object_type="Indikator", criteria__refresh=2024).count() == 2


@pytest.mark.django_db
def test_a_computed_value_cannot_be_entered_by_hand(computed, enhetschef):
    with pytest.raises(ValidationError) as exc:
        indicators.indicator_value_set(by=enhetschef, indicator_id=computed.pk, year=2024, value=Decimal("12"))
    assert exc.value.messages == [indicators.VALUE_IS_COMPUTED]
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_enhetschef_keeps_only_own_units_indicators_controller_all(units, enhetschef, controller):
    data = {"name": "Väntetid", "responsible_unit": units["other"], "target_value": Decimal("14"),
            "unit_of_measure": "dagar", "direction": LOWER}
    with pytest.raises(ValidationError) as exc:
        indicators.indicator_create(by=enhetschef, data=data)
    assert exc.value.messages == [indicators.NOT_ALLOWED]
    assert not Indicator.objects.exists()

    indicator = indicators.indicator_create(by=controller, data=data)
    with pytest.raises(ValidationError):
        indicators.indicator_comment_add(by=enhetschef, indicator_id=indicator.pk, year=2024, text="Hej")
    indicators.indicator_comment_add(by=controller, indicator_id=indicator.pk, year=2024, text="Nytt mål från 2025.")
    assert IndicatorComment.objects.get().author == controller


@pytest.mark.django_db
def test_deadline_sources_are_offered_when_the_deadline_report_is_there(units):
    sources = {s.key: s for s in indicators.SOURCES}
    offered = dict(IndicatorForm().fields["source"].choices)  # what the indicator form lets one pick
    assert "share_reports_not_investigated" in sources and "share_reports_not_investigated" in offered
    # socialtjanst.followup.deadline_report is there, so each of its shares is offered (no skip).
    for key in ("share_screenings_within_14_days", "share_investigations_within_4_months",
                "share_interventions_within_3_months"):
        assert key in sources and offered.get(key) == sources[key].label, key
    case = child_case(units["own"])
    make_screening(make_intake(case, D(2024, 3, 1)), "inleda")  # decided after 5 days: in time
    late = make_intake(case, D(2024, 4, 1))
    Screening.objects.create(intake=late, decided_on=D(2024, 4, 21), outcome="inleda",  # 20 days: late
                             decided_by=UserFactory(username="reg"))
    assert sources["share_screenings_within_14_days"].compute(2024) == Decimal("50.0")
