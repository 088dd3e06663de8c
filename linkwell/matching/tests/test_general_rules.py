"""The general readings of listings and people behind the fitted ranking and the stated hard
constraints, each on listings written here (in no labelled set)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from linkwell.matching import constraints, engine, features, stated, wording
from linkwell.matching.documents import Place
from linkwell.matching.engine import Matcher
from linkwell.matching.profile import Availability
from linkwell.matching.tests.factories import AT, person, place, session, svc
from linkwell.text import analysis as text

# --- what a listing is for ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "description", "eligibility", "expected"),
    [
        ("Safeguarding Adults Course", "A day's training for managers and care staff.", "", {"professionals"}),
        ("Carer Awareness", "Course for health and social care professionals.", "", {"professionals", "awareness"}),
        ("Isolation Forum (practitioners)", "Network meeting for organisations. Not a support group.", "", {"professionals"}),
        ("Hospice 10k", "A sponsored run to raise money for the hospice.", "", {"fundraising"}),
        ("Stroke Awareness Session", "An hour on spotting a stroke, for anyone.", "", {"awareness"}),
        ("Sunrise Homecare", "Home care agency. Carers from £24 per hour.", "", {"paid_care"}),
        ("Care jobs fair", "We are recruiting support workers.", "", {"paid_care"}),
        ("Carers' Coffee Morning", "Peer support for unpaid carers.", "", set()),
        ("Falls clinic", "Exercise to prevent falls.", "Referral by a health professional.", set()),
    ],
)  # fmt: skip
def test_purposes_say_when_a_listing_is_not_support_for_the_reader(
    name, description, eligibility, expected
):
    service = svc("x", name, description=description, eligibility=eligibility)
    assert features.purposes(service) == expected


def test_a_decoy_ranks_below_real_support_unless_the_person_asks_for_it():
    directory = [
        svc("a", "Loneliness and isolation: network for organisations", description=(
            "Quarterly meeting for organisations working on loneliness. Not a support group.")),
        svc("b", "Friendship group", description="A weekly friendship group for lonely people."),
    ]  # fmt: skip
    matcher = Matcher(directory, encoder=None)
    lonely = person(needs=["loneliness"])
    assert matcher.rank(lonely, top=2)[0].service_id == "b"
    factor = features.purpose_factor(
        person(needs=["raise money for charity"]), frozenset({"fundraising"})
    )
    assert factor == 1.0
    assert features.purpose_factor(lonely, frozenset({"fundraising"})) == features.PURPOSE_FACTOR


# --- what the person put first, and what they refuse ---------------------------------------


@pytest.mark.parametrize(
    ("what_matters", "expected"),
    [
        ("He said: 'Sort the money first, then we'll see.'", True),
        ("Housing is urgent - 'I can't think about anything else'.", True),
        ("Money is the first worry; the pain comes after.", True),
        ("She would go if someone met her there the first time.", False),
        ("He'd like to try a walking group.", False),
    ],
)
def test_needs_first_reads_what_the_person_put_before_everything(what_matters, expected):
    assert features.needs_first(person(what_matters=what_matters)) is expected


def test_refusing_groups_is_read_and_talking_groups_recognised():
    assert features.refuses_groups(person(what_matters="I'm not sitting in a circle talking."))
    assert features.refuses_groups(person(what_matters="Says he doesn't do groups."))
    assert not features.refuses_groups(person(what_matters="Would like a group to walk with."))
    assert features.talking_group(svc("x", "Men's peer support group"))
    assert features.talking_group(svc("z", "Calm Minds", description="A self-help group."))
    assert features.refuses_groups(
        person(what_matters="He doesn't want a group where you sit in a circle.")
    )
    assert not features.talking_group(svc("y", "Repair café", description="Fix things together."))


# --- stated hard constraints ---------------------------------------------------------------


def _slot(day: str, start: str | None = None, end: str | None = None) -> Availability:
    import datetime as dt

    return Availability(
        day=day,
        start=dt.time.fromisoformat(start) if start else None,
        end=dt.time.fromisoformat(end) if end else None,
    )


def test_a_session_must_fall_inside_a_free_window():
    mornings = (_slot("TU", "09:00", "12:00"),)
    inside = svc("a", schedules=(session("TU", "10:00", "11:30"),))
    runs_over = svc("b", schedules=(session("TU", "11:00", "13:00"),))
    other_day = svc("c", schedules=(session("WE", "10:00", "11:00"),))
    drop_in = svc("d", schedules=(session("TU", "10:30", "16:00"),))  # an hour and a half in
    no_times = svc("e", schedules=(session("TU"),))
    by_appointment = svc("f")
    assert stated.fits_availability(mornings, inside, AT)
    assert not stated.fits_availability(mornings, runs_over, AT)
    assert not stated.fits_availability(mornings, other_day, AT)
    assert stated.fits_availability(mornings, drop_in, AT)
    assert stated.fits_availability(mornings, no_times, AT)
    assert stated.fits_availability(mornings, by_appointment, AT)
    assert stated.fits_availability((), runs_over, AT)


def test_someone_without_english_is_offered_their_language_interpreting_or_english_classes():
    urdu = ["ur", "pa"]
    assert not stated.speaks_their_language(urdu, svc("a", "Diabetes group"))
    assert not stated.speaks_their_language(urdu, svc("b", "Walk", languages=("en",)))
    assert stated.speaks_their_language(urdu, svc("c", "Women's group", languages=("en", "ur")))
    assert stated.speaks_their_language(urdu, svc("d", "Clinic", interpretation=True))
    assert stated.speaks_their_language(urdu, svc("e", "ESOL classes, beginners"))
    assert stated.speaks_their_language(["en", "pl"], svc("f", "Diabetes group"))
    # English taught as a subject is learning English too; a course taught in English is not.
    for said in ("Courses in English, maths, IT and art.", "English and maths for adults.",
                 "English courses at all levels.", "Beginner English for parents."):  # fmt: skip
        assert stated.speaks_their_language(urdu, svc("g", "Adult learning", description=said))
    taught = svc("h", "Cooking course", description="Courses in English only.")
    assert not stated.speaks_their_language(urdu, taught)


def test_remote_only_people_get_what_comes_to_them():
    housebound = person(accessibility=["housebound", "telephone only"])
    assert stated.remote_only(housebound)
    assert not stated.remote_only(person(accessibility=["housebound"], travel="needs_transport"))
    venue = svc("a", "Lunch club", description="Hot lunch in the church hall.")
    calls = svc("b", "Friendship calls", description="A weekly telephone call from a volunteer.")
    visits = svc("c", "Befriending", description="Volunteers visit you at home every week.")
    assert not stated.reaches_them(housebound, venue)
    assert stated.reaches_them(housebound, calls)
    assert stated.reaches_them(housebound, visits)
    assert stated.reaches_them(person(), venue)


@pytest.mark.parametrize(
    ("description", "remote"),
    [
        ("A weekly telephone call from a trained volunteer.", True),
        ("Telephone befriending for older people.", True),
        ("Free debt advice by phone, or at our office in town.", True),
        ("Our advisers visit you at home.", True),
        ("Home visits for people with sight loss.", True),
        ("Counselling sessions on Zoom.", True),
        ("A free national helpline, open every day.", True),
        ("Online support groups every Tuesday evening.", True),
        ("We meet in the church hall. Phone to book a place.", False),
        ("Walks from the library. Call or text Sue for details.", False),
        ("Learn to use a tablet and make video calls, at the library.", False),
        ("Lunch club in the community centre; phone for more information.", False),
    ],
)  # fmt: skip
def test_a_listing_given_by_phone_online_or_at_home_is_read_as_such(description, remote):
    assert stated.delivered_remotely(svc("a", "Support", description=description)) is remote


def test_a_service_given_by_phone_or_at_home_reaches_people_beyond_its_venue():
    far = 20.0  # km north: beyond a 5 km reach, inside a local scheme's district
    directory = [
        svc("calls", "Friendship calls", km=far,
            description="A weekly telephone call from a volunteer, for lonely older people."),
        svc("visits", "Home befriending", km=far,
            description="Volunteers visit you at home, for lonely older people."),
        svc("club", "Friendship club", km=far,
            description="A club for lonely older people in the town hall. Phone to book."),
        svc("near", "Friendship club nearby", km=1.0,
            description="A club for lonely older people. Phone to book."),
        svc("other-county", "Friendship calls elsewhere", km=stated.REMOTE_REACH_KM + 20,
            description="A weekly telephone call from a volunteer, for lonely older people."),
        svc("national", "Silver friendship line", km=stated.REMOTE_REACH_KM + 100,
            description="A free national helpline for lonely older people, open every day."),
    ]  # fmt: skip
    matcher = Matcher(directory, encoder=None)
    lonely = person(needs=["loneliness"], max_distance_km=5)
    found = {s.service_id: s for s in matcher.rank(lonely, top=6, at=AT)}
    # The far club's venue is where you go; a local phone scheme serves its own district.
    assert set(found) == {"calls", "visits", "near", "national"}
    assert wording.GIVEN_REMOTELY in found["calls"].reasons
    assert not any("km away" in r for r in found["calls"].reasons)
    assert found["calls"].distance_km is None  # scored as a service with no venue
    assert "1.0 km away" in found["near"].reasons


@pytest.mark.parametrize(
    ("name", "organization", "description", "expected"),
    [
        ("Peer support for low mood", "Riverside Men's Talking Group", "A weekly group.", "male"),
        ("Walk and talk", "Riverside Mens Talking Group", "A gentle walk.", "male"),
        ("Wellbeing circle", "Westfield Women's Centre", "Tea and a chat.", "female"),
        ("Ladies' lunch club", "St Mary's", "Hot lunch on Fridays.", "female"),
        ("Open sessions", "Riverside Men's Shed", "Woodwork. Women are welcome too.", None),
        ("Shed open days", "Riverside Men's Shed", "Open to all, whatever your skills.", None),
        ("Community choir", "Riverside Singers", "For men and women of all ages.", None),
        ("Men's and women's football", "Riverside FC", "Walking football.", None),
        ("Menstrual health talk", "Riverside Clinic", "An evening talk.", None),
    ],
)  # fmt: skip
def test_a_group_named_for_men_or_women_is_read_as_such(name, organization, description, expected):
    service = svc("a", name, organization=organization, description=description)
    assert constraints.named_gender(service) == expected


def test_a_woman_is_not_pushed_a_group_named_for_men():
    directory = [
        svc("men", "Peer support for anxiety", organization="Riverside Men's Talking Group",
            description="A confidential peer support group for anxiety and low mood."),
        svc("all", "Anxiety support group", organization="Riverside Mind",
            description="A peer support group for anxiety and low mood."),
    ]  # fmt: skip
    matcher = Matcher(directory, encoder=None)
    woman = person(needs=["anxiety"], gender="female")
    ranked = matcher.rank(woman, top=2, at=AT)
    assert [s.service_id for s in ranked] == ["all", "men"]
    assert "a men's group, the listing says" in ranked[1].reasons
    man = person(needs=["anxiety"], gender="male")
    assert not any("men's group" in r for s in matcher.rank(man, top=2, at=AT) for r in s.reasons)


def test_someone_who_needs_women_only_spaces_is_offered_no_mixed_group():
    women = person(accessibility=["women only"], needs=["confidence"])
    mixed = svc("a", "Confidence group", description="A weekly group to build confidence.")
    theirs = svc("b", "Confidence circle", eligibility="Women only.")
    described = svc("c", "Bike club", description="Friendly rides for women of all abilities.")
    advice = svc("d", "Advice service", description="One-to-one support and advocacy.")
    assert stated.single_sex_only(women) == "female"
    assert stated.single_sex_only(person(accessibility=["men-only"])) == "male"
    assert not stated.among_their_own_sex(women, mixed)
    assert stated.among_their_own_sex(women, theirs)
    assert stated.among_their_own_sex(women, described)
    assert stated.among_their_own_sex(women, advice)  # not a group
    assert stated.among_their_own_sex(person(needs=["confidence"]), mixed)
    ranked = [s.service_id for s in Matcher([mixed, theirs, advice], encoder=None).rank(women)]
    assert "a" not in ranked and "b" in ranked


def test_a_walk_a_swim_or_arts_on_prescription_is_a_group_for_someone_who_needs_women_only():
    women = person(accessibility=["women only"], needs=["low mood"])
    for name in ("Walk and Talk", "Aquafit", "Arts on Prescription", "Tea Dance", "Men in Sheds"):
        assert not stated.among_their_own_sex(women, svc("m", name)), name
    assert stated.among_their_own_sex(women, svc("w", "Women's Walk and Talk"))
    assert stated.among_their_own_sex(women, svc("a", "Debt Advice"))  # one-to-one help


def test_a_listing_for_their_sex_meets_a_women_only_access_need_whatever_its_notes_say():
    needs = ["women only", "hearing loop"]
    theirs = svc("w", "Women's ESOL", description="English classes with a crèche.")
    mixed = svc("m", "ESOL", description="English classes.")
    assert constraints.check_access(needs, theirs).met == ("women only",)
    assert constraints.check_access(needs, theirs).unknown == ("hearing loop",)
    assert "women only" in constraints.check_access(needs, mixed).unknown
    assert constraints.single_sex_need("Men-only spaces") == "male"
    assert constraints.single_sex_need("quiet room") is None


def test_a_listing_that_serves_some_postcodes_is_not_offered_outside_them():
    sectors = svc("n", "Good neighbours", areas=("BL1 6, BL1 7 and BL1 8 only",))
    district = svc("p", "Pantry", description="Open to all. No referral needed: just live in BL2.")
    address = svc("c", "Café", description="At 7 Moss Bank Way, BL1 8PB. Everyone welcome.")
    assert stated.postcode_areas(sectors) == {"BL1 6", "BL1 7", "BL1 8"}
    assert stated.postcode_areas(district) == {"BL2"}
    assert stated.postcode_areas(address) == frozenset()  # an address, not an area
    inside, outside = person(postcode="BL1 7AJ"), person(postcode="BL4 0NL")
    assert stated.covers_them(inside, sectors) and not stated.covers_them(outside, sectors)
    assert stated.covers_them(person(postcode="BL2 2QL"), district)
    assert not stated.covers_them(inside, district)
    assert stated.covers_them(person(), sectors)  # no postcode: nothing to go on
    compact = dataclasses.replace(inside, postcode="bl17aj")  # as some records hold it
    assert stated.covers_them(compact, sectors)
    matcher = Matcher([sectors, district, address], encoder=None)
    assert {s.service_id for s in matcher.rank(outside, top=5, at=AT)} == {"c"}


def test_a_good_neighbours_scheme_comes_to_someone_who_is_housebound():
    neighbours = svc(
        "n",
        "Good neighbours",
        km=5,
        description="Neighbours helping neighbours: a bit of shopping, or just a visit.",
    )
    club = svc("c", "Lunch club", km=0.5, description="A hot lunch at the hall.")
    housebound = person(accessibility=["housebound"], needs=["shopping"])
    assert stated.comes_to_them(neighbours) and stated.delivered_remotely(neighbours)
    assert not stated.comes_to_them(club)
    ranked = [s.service_id for s in Matcher([neighbours, club], encoder=None).rank(housebound)]
    assert ranked == ["n"]


def test_the_engine_never_suggests_what_the_stated_constraints_rule_out():
    directory = [
        svc("a", "Walking group", schedules=(session("SA", "10:00", "12:00"),)),
        svc("b", "Walking group for beginners", schedules=(session("TU", "10:00", "11:00"),)),
        svc("c", "Walking in Urdu", languages=("ur",)),
    ]
    matcher = Matcher(directory, encoder=None)
    weekday = person(
        interests=["walking"], availability=[{"day": "TU", "from": "09:00", "to": "12:00"}]
    )
    assert {s.service_id for s in matcher.rank(weekday, top=5, at=AT)} == {"b", "c"}
    urdu = person(interests=["walking"], languages=["ur"])
    assert [s.service_id for s in matcher.rank(urdu, top=5, at=AT)] == ["c"]


def test_a_yearly_or_monthly_fee_is_spread_over_its_sessions():
    yearly = svc("a", free=False, cost_amount=15.0, cost_text="£15 annual membership")
    monthly = svc("b", free=False, cost_amount=12.0, cost_text="£12 a month")
    session_fee = svc("c", free=False, cost_amount=6.0, cost_text="£6 a session")
    assert stated.per_session_cost(yearly) == pytest.approx(15 / 52)
    assert stated.per_session_cost(monthly) == 3.0
    assert stated.per_session_cost(session_fee) == 6.0
    matcher = Matcher([yearly, monthly, session_fee], encoder=None)
    low = person(cost="low_cost")
    assert {s.service_id for s in matcher.rank(low, top=5)} == {"a", "b"}


def test_a_childs_age_and_a_thing_to_have_are_not_the_persons_eligibility():
    assert constraints.ages_from_text("Families with a child under 5.") == (None, None)
    assert constraints.ages_from_text("Parents of children 11 and under") == (None, None)
    assert constraints.ages_from_text("Under 18s only") == (None, 17)
    assert (
        constraints.required_condition("Aged 60 or over. Must have a landline or mobile.") is None
    )
    assert constraints.required_condition("Must have a diagnosis of COPD.") is not None
    assert constraints.required_condition("Must have dementia.") is not None


# --- the weights file ------------------------------------------------------------------------


def test_the_engine_uses_the_weights_the_setting_names(tmp_path, settings):
    directory = [
        svc("near", "Walking group", km=0.5, free=False, cost_amount=3.0),
        svc("free", "Walking group", km=5.0, free=True),
    ]
    prefers_free = tmp_path / "weights.json"
    prefers_free.write_text(json.dumps({"weights": {"cost": 5.0}}))
    prefers_near = tmp_path / "near.json"
    prefers_near.write_text(json.dumps({"weights": {"distance": 5.0}}))
    walker = person(interests=["walking"])
    settings.LINKWELL_MATCHING_WEIGHTS = str(prefers_free)
    assert Matcher(directory, encoder=None).rank(walker, top=1)[0].service_id == "free"
    settings.LINKWELL_MATCHING_WEIGHTS = str(prefers_near)
    assert Matcher(directory, encoder=None).rank(walker, top=1)[0].service_id == "near"


def test_a_bad_weights_file_says_what_is_wrong(tmp_path):
    bad = tmp_path / "w.json"
    bad.write_text(json.dumps({"weights": {"sparkle": 1.0}}))
    with pytest.raises(features.WeightsError, match="unknown feature"):
        features.ranker_from_file(bad)
    bad.write_text(json.dumps({"weights": {"cost": "high"}}))
    with pytest.raises(features.WeightsError, match="must be a number"):
        features.ranker_from_file(bad)


def test_the_shipped_weights_load_and_name_every_feature():
    ranker = features.ranker_from_file(features.WEIGHTS_FILE)
    assert set(ranker.weights) == set(features.FEATURES)


def test_when_needs_come_first_a_listing_that_meets_one_outranks_an_interest():
    directory = [
        svc("fish", "Angling club", description="Fishing on the canal every Saturday."),
        svc("debt", "Debt advice", description="Free help with debt, bailiffs and arrears."),
    ]
    matcher = Matcher(directory, encoder=None)
    shaun = person(
        needs=["debt"],
        interests=["fishing", "angling club", "canal"],
        what_matters="He said: 'Sort the money first.'",
    )
    assert matcher.rank(shaun, top=2)[0].service_id == "debt"
    relaxed = person(needs=["debt"], interests=["fishing", "angling club", "canal"])
    assert matcher.rank(relaxed, top=2)[0].service_id == "fish"


def test_a_talking_group_ranks_lower_for_someone_who_refuses_them():
    directory = [
        svc("talk", "Men's peer support group", description="Low mood? Share experiences."),
        svc("shed", "Men's shed", description="Fix things side by side. Low mood welcome."),
    ]
    matcher = Matcher(directory, encoder=None)
    keith = person(needs=["low mood"], what_matters="He's not sitting in a circle talking.")
    assert matcher.rank(keith, top=2)[0].service_id == "shed"


def test_a_suggestion_that_meets_nothing_the_person_said_says_so():
    directory = [
        svc("shed", "Woodwork club", description="Make things from wood with others."),
        svc("bingo", "Bingo afternoon", description="Bingo and a cup of tea."),
    ]
    matcher = Matcher(directory, encoder=None)
    found = {s.service_id: s for s in matcher.rank(person(interests=["woodwork"]), top=2, at=AT)}
    assert wording.NO_MATCH in found["bingo"].reasons
    assert wording.NO_MATCH not in found["shed"].reasons
    # Someone who said nothing to match: nothing to point out.
    assert not any(wording.NO_MATCH in s.reasons for s in matcher.rank(person(), top=2, at=AT))


def test_needs_first_puts_every_need_above_every_interest_and_keeps_their_orders():
    rows = np.zeros((4, len(features.FEATURES)))
    rows[:, features.FEATURES.index("need")] = [0.9, 0.0, 0.4, 0.0]  # debt, fish, bills, canal
    scores = np.array([5.0, 40.0, 2.0, 30.0])
    first = person(needs=["debt"], what_matters="Sort the money first.")
    out = features.needs_before_interests(first, rows, scores, 0.5)
    assert list(np.argsort(-out)) == [0, 2, 1, 3]
    assert out[1] == pytest.approx(1.0)  # the best interest: a step of 0.5 below the weakest need
    relaxed = person(needs=["debt"])
    assert list(features.needs_before_interests(relaxed, rows, scores, 0.5)) == list(scores)


@pytest.mark.parametrize(
    ("said", "reached"),
    [
        ("His wife Joan drives him on Mondays and Wednesdays.", True),
        ("His wife Sheila takes him everywhere.", True),
        ("Her son gives her a lift to the shops.", True),
        ("Her daughter takes her to appointments.", True),
        ("Someone from church takes her to the shops.", True),
        ("She would like someone to take her out.", False),
        ("There's nobody to take her.", False),
        ("He needs someone to drive him.", False),
        ("His wife can't drive him any more.", False),
        ("She takes her tablets with breakfast.", False),
        ("He drives her mad.", False),
    ],
)
def test_someone_who_takes_them_brings_venues_within_reach(said, reached):
    """The grading guide: a venue is fine for someone who needs transport when what they said
    names who takes them; otherwise only what is a short walk away or brings its own."""
    choir = svc("choir", "Parkinson's singing group", description="Singing for the voice.", km=5)
    profile = person(
        travel="needs_transport", max_distance_km=10, what_matters=said, interests=["singing"]
    )
    result = Matcher([choir], encoder=None).rank(profile, top=5)
    assert stated.someone_takes_them(profile) is reached
    assert bool(result) is reached


def test_housebound_is_met_by_a_listing_that_comes_to_the_door_whatever_its_access_notes():
    neighbours = svc(
        "n", "Good neighbours", description="Neighbours helping neighbours: just a visit."
    )
    hall = svc("h", "Lunch club", description="A hot lunch at the hall.")
    needs = ["housebound", "hearing loop"]
    home = stated.met_at_home(constraints.check_access(needs, neighbours), neighbours)
    assert home.met == ("housebound",) and home.unknown == ("hearing loop",)
    away = stated.met_at_home(constraints.check_access(needs, hall), hall)
    assert "housebound" in away.unknown
    (suggestion,) = Matcher([neighbours], encoder=None).rank(person(accessibility=["housebound"]))
    assert "suits your access needs (housebound)" in suggestion.reasons


# --- a neighbourhood's name is not what a listing is about -------------------------------


def _at(venue: str, km: float = 1.0) -> tuple[Place, ...]:
    return (place(km, name=venue),)


@pytest.mark.parametrize(
    ("name", "venue", "description", "place_words"),
    [
        ("Astley Bridge Good Neighbours", "Astley Bridge Neighbourhood Centre",
         "Shopping, lifts to the GP and visits.", {"astley", "bridge"}),
        ("Good Neighbours - Astley Bridge", "Astley Bridge Neighbourhood Centre",
         "Shopping, lifts to the GP and visits.", {"astley", "bridge"}),
        ("Harwood Bridge Club", "Harwood Methodist Church Hall",
         "Duplicate bridge on Thursday afternoons.", {"harwood"}),
        ("Knit and Natter (Farnley Bridge)", "Farnley Bridge Community Centre",
         "Bring your needles.", {"farnley", "bridge"}),
        # Named after its whole venue: which words are the place cannot be told.
        ("Farnley Methodist Church Lunch Club", "Farnley Methodist Church",
         "A hot lunch every Wednesday.", set()),
        # A venue named after the whole listing.
        ("Breightmet Walking Group", "Breightmet Walking Group meeting point",
         "A gentle walk round the park.", set()),
        # The description uses the word too: it is what the listing is about as well.
        ("Bolton Bridge Club", "Bolton Bridge Community Centre",
         "Rubber bridge for improvers.", {"bolton"}),
        ("Chatty Bench", "Queen's Park", "Sit and talk.", set()),
    ],
)  # fmt: skip
def test_the_words_of_a_listing_that_only_name_its_neighbourhood(
    name, venue, description, place_words
):
    service = svc("x", name, description=description, locations=_at(venue))
    assert engine._place_only_stems(service) == {text.stem(w) for w in place_words}


def test_a_venue_named_after_the_organisation_is_not_a_neighbourhood():
    welfare = svc(
        "x",
        "Royal British Legion Welfare",
        description="Help for veterans.",
        organization="Royal British Legion",
        locations=_at("Royal British Legion Club, Farnley"),
    )
    assert engine._place_only_stems(welfare) == frozenset()
    elsewhere = dataclasses.replace(welfare, organization="Farnley Veterans' Trust")
    assert engine._place_only_stems(elsewhere) == {"royal", "british", "legion"}


def test_a_place_name_in_a_listing_is_neither_a_match_nor_a_reason():
    neighbours = svc(
        "gn",
        "Astley Bridge Good Neighbours",
        description="Neighbours helping neighbours: a bit of shopping, a lift to the GP, a visit.",
        locations=_at("Astley Bridge Neighbourhood Centre"),
    )
    club = svc(
        "bc",
        "Harwood Bridge Club",
        description="Duplicate bridge every Thursday afternoon; partners found for newcomers.",
        locations=_at("Harwood Methodist Church Hall", km=1.5),
    )
    foodbank = svc(
        "fb",
        "Farnley Bridge Foodbank",
        description="Food parcels with a voucher from your GP or Citizens Advice.",
        locations=_at("Farnley Bridge Community Centre", km=0.5),
    )
    matcher = Matcher([neighbours, club, foodbank], encoder=None, ranker=None,
                      worked_examples=None)  # fmt: skip
    player = person(interests=["bridge"], needs=["shopping"])
    ranked = {s.service_id: s for s in matcher.rank(player, top=3, at=AT)}
    assert "matches 'bridge'" in ranked["bc"].reasons
    assert not any("bridge" in r for r in ranked["gn"].reasons)
    assert "matches 'shopping'" in ranked["gn"].reasons
    # The foodbank shares only its neighbourhood's name with what they said.
    assert ranked["fb"].reasons[0] == wording.NO_MATCH
    assert list(ranked) == ["bc", "gn", "fb"]
