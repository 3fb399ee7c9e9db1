"""ENISA breach severity (ENISA's 2013 methodology): SE = DPC × EI + CB, the band edges exactly
where the method puts them, DPC from the data type with its adjustment kept between 1 and
4, every bad input refused by field name, and the obligations Vern proposes."""

from decimal import Decimal

import pytest

from audits.breaches import enisa
from audits.core.errors import VernError


def assessment(dpc=1, ei=1, confidentiality=0, integrity=0, availability=0, malicious=False, **extra):
    return {"dpc": dpc, "ei": ei, "cb": {"confidentiality": confidentiality, "integrity": integrity,
                                         "availability": availability, "malicious": malicious}, **extra}


# -- the band edges, each reached by a real combination ---------------------------------
@pytest.mark.parametrize(("data", "score", "level"), [
    # just under 2: DPC 1.99 with maximum ease of identification, nothing else
    (assessment(dpc=1.99, ei=1), "1.99", "low"),
    # 2 exactly: sensitive data, limited identification
    (assessment(dpc=4, ei=0.5), "2", "medium"),
    # just under 3: 1.99 × 1 + confidentiality 0.5 + malicious 0.5
    (assessment(dpc=1.99, ei=1, confidentiality=0.5, malicious=True), "2.99", "medium"),
    # 3 exactly: 3 × 0.75 + confidentiality 0.5 + integrity 0.25
    (assessment(dpc=3, ei=0.75, confidentiality=0.5, integrity=0.25), "3", "high"),
    # just under 4: 2.99 × 1 + availability 0.5 + malicious 0.5
    (assessment(dpc=2.99, ei=1, availability=0.5, malicious=True), "3.99", "high"),
    # 4 exactly: behavioural data, maximum identification, every circumstance at its top
    (assessment(dpc=2, ei=1, confidentiality=0.5, integrity=0.5, availability=0.5, malicious=True),
     "4", "very_high"),
    # 4 exactly another way: sensitive data, maximum identification, nothing else
    (assessment(dpc=4, ei=1), "4", "very_high"),
])
def test_band_edges(data, score, level):
    a = enisa.parse(data)
    assert a.score == Decimal(score)
    assert a.level == level


def test_the_lowest_possible_score_is_a_quarter_and_low():
    a = enisa.parse(assessment(dpc=1, ei=0.25))
    assert (a.score, a.cb, a.level) == (Decimal("0.25"), Decimal("0"), "low")


def test_the_highest_possible_score_is_six_and_very_high():
    a = enisa.parse(assessment(dpc=4, ei=1, confidentiality=0.5, integrity=0.5, availability=0.5,
                               malicious=True))
    assert (a.score, a.cb, a.level) == (Decimal("6"), Decimal("2"), "very_high")


def test_cb_adds_the_three_losses_and_malicious_intent():
    a = enisa.parse(assessment(dpc=1, ei=0.25, confidentiality=0.25, integrity=0.5, availability=0.25,
                               malicious=True))
    assert a.cb == Decimal("1.5")
    assert a.score == Decimal("1.75")


def test_missing_circumstances_count_as_zero_and_not_malicious():
    a = enisa.parse({"dpc": 2, "ei": 0.75, "cb": {}})
    assert (a.confidentiality, a.integrity, a.availability, a.malicious) == (0, 0, 0, False)
    assert a.data_unintelligible is False
    assert a.score == Decimal("1.5")


@pytest.mark.parametrize(("score", "level"), [
    ("0.25", "low"), ("1.99", "low"), ("1.999", "low"), ("2", "medium"), ("2.99", "medium"),
    ("3", "high"), ("3.99", "high"), ("4", "very_high"), ("6", "very_high"),
])
def test_level_of_a_score(score, level):
    assert enisa.level(Decimal(score)) == level


# -- DPC from the data type ---------------------------------------------------------------
@pytest.mark.parametrize(("data_type", "adjustment", "dpc"), [
    ("simple", 0, "1"),
    ("behavioural", 0, "2"),
    ("financial", 0, "3"),
    ("sensitive", 0, "4"),
    ("simple", 1, "2"),
    ("behavioural", 1, "3"),
    ("financial", -0.5, "2.5"),
    ("behavioural", 0.25, "2.25"),
    # the final DPC always lies between 1 and 4
    ("sensitive", 1, "4"),
    ("financial", 2, "4"),
    ("simple", -1, "1"),
    ("behavioural", -3, "1"),
    ("sensitive", -5, "1"),
])
def test_dpc_from_data_type_and_adjustment(data_type, adjustment, dpc):
    a = enisa.parse(assessment(dpc={"data_type": data_type, "adjustment": adjustment}, ei=1))
    assert a.dpc == Decimal(dpc)
    assert a.score == Decimal(dpc)
    assert a.data_type == data_type
    assert a.adjustment == Decimal(str(adjustment))


def test_dpc_from_data_type_without_adjustment_is_the_base_score():
    a = enisa.parse(assessment(dpc={"data_type": "financial"}, ei=0.5))
    assert (a.dpc, a.adjustment, a.score, a.level) == (Decimal(3), Decimal(0), Decimal("1.5"), "low")


def test_clamped_dpc_drives_the_level():
    # sensitive + 2 would be 6 × 1 = 6 unclamped (very high); clamped it is 4 × 0.5 = 2 (medium)
    a = enisa.parse(assessment(dpc={"data_type": "sensitive", "adjustment": 2}, ei=0.5))
    assert (a.dpc, a.score, a.level) == (Decimal(4), Decimal(2), "medium")


def test_a_number_dpc_keeps_no_data_type():
    a = enisa.parse(assessment(dpc=2.5, ei=1))
    assert (a.dpc, a.data_type, a.adjustment) == (Decimal("2.5"), None, None)


# -- bad input, refused by field ------------------------------------------------------------
@pytest.mark.parametrize(("data", "field"), [
    (assessment(ei=0.3), "ei"),
    (assessment(ei=0), "ei"),
    (assessment(ei="1"), "ei"),
    ({"dpc": 2, "cb": {}}, "ei"),
    (assessment(confidentiality=0.3), "cb.confidentiality"),
    (assessment(integrity=1), "cb.integrity"),
    (assessment(availability=-0.25), "cb.availability"),
    (assessment(availability="0.5"), "cb.availability"),
    (assessment(confidentiality=True), "cb.confidentiality"),
    (assessment(dpc=5), "dpc"),
    (assessment(dpc=0.5), "dpc"),
    (assessment(dpc=4.01), "dpc"),
    (assessment(dpc="3"), "dpc"),
    (assessment(dpc=True), "dpc"),
    ({"ei": 1, "cb": {}}, "dpc"),
    (assessment(dpc={"data_type": "x", "adjustment": 0}), "dpc.data_type"),
    (assessment(dpc={"adjustment": 1}), "dpc.data_type"),
    (assessment(dpc={"data_type": "simple", "adjustment": "1"}), "dpc.adjustment"),
    (assessment(dpc={"data_type": "simple", "adjustment": None}), "dpc.adjustment"),
    (assessment(malicious="yes"), "cb.malicious"),
    (assessment(malicious=1), "cb.malicious"),
    (assessment(data_unintelligible="no"), "data_unintelligible"),
    (assessment(data_unintelligible=0), "data_unintelligible"),
    (assessment(severity=3), "severity"),
    ({**assessment(), "cb": {"confidentiality": 0, "loss": 0.5}}, "cb.loss"),
    ({"dpc": 2, "ei": 1}, "cb"),
    ({"dpc": 2, "ei": 1, "cb": [0, 0, 0]}, "cb"),
])
def test_invalid_input_is_refused_naming_the_field(data, field):
    with pytest.raises(VernError) as refused:
        enisa.parse(data)
    assert str(refused.value).startswith(f"{field}: ")


def test_an_unknown_field_inside_the_dpc_object_is_refused():
    """A misspelt `adjustment` must not be dropped silently: the score would be wrong."""
    with pytest.raises(VernError) as refused:
        enisa.parse(assessment(dpc={"data_type": "simple", "adjustement": 2}))
    assert str(refused.value).startswith("dpc.adjustement: ")


@pytest.mark.parametrize(("data", "field"), [
    (assessment(dpc=float("nan")), "dpc"),
    (assessment(dpc={"data_type": "simple", "adjustment": float("nan")}), "dpc.adjustment"),
    (assessment(dpc={"data_type": "simple", "adjustment": float("inf")}), "dpc.adjustment"),
])
def test_non_finite_numbers_are_refused_naming_the_field(data, field):
    """JSON as Python reads it allows NaN and Infinity; they are no score."""
    with pytest.raises(VernError) as refused:
        enisa.parse(data)
    assert str(refused.value).startswith(f"{field}: ")


@pytest.mark.parametrize("data", [[], "dpc=3", None, 3])
def test_an_assessment_must_be_an_object(data):
    with pytest.raises(VernError, match=r"^assessment: must be a JSON object"):
        enisa.parse(data)


# -- the obligations Vern proposes --------------------------------------------------------
@pytest.mark.parametrize(("severity", "unintelligible", "proposed"), [
    ("low", False, (False, False)),
    ("low", True, (False, False)),
    ("medium", False, (True, False)),
    ("medium", True, (True, False)),
    ("high", False, (True, True)),
    ("very_high", False, (True, True)),
    # Art. 34(3)(a): data unintelligible to whoever got them → no communication to the subjects
    ("high", True, (True, False)),
    ("very_high", True, (True, False)),
])
def test_proposal_table(severity, unintelligible, proposed):
    assert enisa.proposal(severity, unintelligible) == proposed


def test_proposal_follows_a_parsed_assessment():
    a = enisa.parse(assessment(dpc=4, ei=1, confidentiality=0.5, data_unintelligible=True))
    assert a.level == "very_high"
    assert enisa.proposal(a.level, a.data_unintelligible) == (True, False)


# -- the data type suggested from what the reporter ticked ----------------------------------
@pytest.mark.parametrize(("categories", "data_type"), [
    (["contact"], "simple"),
    (["contact", "location"], "behavioural"),
    (["contact", "national_id", "behaviour"], "financial"),
    (["financial", "health", "contact"], "sensitive"),
    (["criminal", "national_id"], "sensitive"),
    (["membership", "special_category"], "sensitive"),
    (["communications", "images"], "behavioural"),
    (["credentials"], "simple"),
    ([], "simple"),
])
def test_suggested_data_type_keeps_the_highest(categories, data_type):
    assert enisa.suggested_data_type(categories) == data_type
