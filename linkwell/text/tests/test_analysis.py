from linkwell.text import analysis as text


def test_words_are_folded_and_stemmed_without_stop_words():
    assert text.words("Men\u2019s Shed CAFÉ") == ["men", "shed", "cafe"]
    assert text.stems("I would like to go cycling with friends") == ["cycl", "friend"]
    assert text.terms("lunch club") == ["lunch", "club", "lunch club"]


def test_the_related_terms_list_is_substantial_and_specific():
    groups = text.related_groups()
    assert len(groups) >= 60
    names = {g.name for g in groups}
    assert {"loneliness", "cycling", "debt", "copd", "dementia", "bereavement"} <= names
    generic = {"support", "group", "help", "service", "people"}
    for group in groups:
        assert not generic & {p.text for p in group.phrases}, group.name


def test_expansion_finds_the_groups_a_person_touches():
    found = {
        e.trigger: [p.text for p in e.phrases]
        for e in text.expand("I feel lonely since my wife died")
    }
    assert "befriending" in found["lonely"]
    assert "cruse" in found["died"]
    assert "breathe easy" in [p.text for e in text.expand("COPD") for p in e.phrases]


def test_bm25_prefers_the_phrase_and_the_rarer_word():
    index = text.BM25(
        [
            text.terms("Lunch club for older people"),
            text.terms("Cycling club"),
            text.terms("Club lunch"),
        ]
    )
    scores = index.scores({"lunch": 1, "club": 1, "lunch club": 1})
    assert scores[0] > scores[2] > scores[1] > 0
    assert list(index.containing_all(["lunch club"])) == [0]


def test_a_contractions_ending_is_dropped_not_joined_to_the_pronoun():
    # Joined up, "she'd" was "shed" (a men's shed), "I'll" "ill" and "we're" "were".
    assert text.words("She'd go, I'll try, we're in, they've said, I'm here") == [
        "she", "go", "i", "try", "we", "in", "they", "said", "i", "here",
    ]  # fmt: skip
    assert text.words("can't sleep, won't go") == ["cant", "sleep", "wont", "go"]
    assert not text.expand("She'd love a crafts group")[1:]


def triggers(said: str) -> dict[str, str]:
    """Group name -> the person's words that triggered it."""
    groups = {p: g.name for g in text.related_groups() for p in g.phrases}
    return {groups[e.phrases[0]]: e.trigger for e in text.expand(said)}


def test_a_qualified_word_belongs_to_its_qualifier():
    assert "alcohol" not in triggers("stroke recovery")
    assert triggers("stroke recovery")["stroke"] == "stroke"
    assert "alcohol" not in triggers("mental health recovery")
    assert "alcohol" not in triggers("recovery from a stroke")
    assert triggers("drug recovery")["alcohol"] == "drug"
    assert triggers("I'm in recovery")["alcohol"] == "recovery"
    assert "heart" not in triggers("stroke")


def test_a_worry_about_a_thing_belongs_to_that_thing():
    assert set(triggers("She is worried about scams.")) == {"scams"}
    assert set(triggers("I worry about falling")) == {"falls"}
    assert set(triggers("worried about the bills")) == {"debt"}
    assert "worri" not in text.said_stems("worried about scams")
    assert triggers("I worry a lot")["low mood"] == "worry"
    assert "low mood" in triggers("worried about my mental health")
    # Bills alone are not a debt.
    assert "debt" not in triggers("gets muddled with bills")


def test_someone_else_caring_for_the_person_is_not_the_person_caring():
    for said in (
        "wife is carer",
        "His wife Hafsa cares for him and is worn out.",
        "My daughter looks after me",
        "She is cared for by her son",
        "her carers come twice a day",
        "His wife, who cares for him, needs a break",
    ):
        assert "carer" not in triggers(said), said
        assert "carer" not in text.stems(text.without_relatives(said)), said
    assert triggers("Geoff cares for his wife Margaret")["carer"] == "cares for"
    assert triggers("I look after my mum")["carer"] == "look after my"


def test_a_parent_whose_troubles_are_told_is_a_relative():
    assert "parents" not in triggers("mum's mental health")
    assert "parents" not in triggers("mum died last year")
    assert text.stems(text.without_relatives("mum's mental health")) == ["mental", "health"]
    assert triggers("an isolated mum")["parents"] == "mum"
    assert triggers("parent carer")["carer"] == "carer"
    assert "parents" not in triggers("parent carer")


def test_trigger_only_phrases_are_never_searched_for():
    alcohol = next(e for e in text.expand("alcohol") if e.trigger == "alcohol")
    searched = {p.text for p in alcohol.phrases}
    assert "drugs" in searched
    assert not {"drinking", "recovery"} & searched  # "hot drinks"; a recovery college
    assert triggers("drinking")["alcohol"] == "drinking"
    assert "long covid" not in triggers("breathless")
    # A symptom many conditions share does not lead from one to another.
    assert "sleep" not in triggers("fatigue")


def test_a_house_is_not_housing():
    assert text.stem("house") != text.stem("housing")
    assert "housing" not in triggers("stuck in the house all day")
    assert "housing" in triggers("needs housing advice")
    assert triggers("a cold house")["cold home"] == "cold house"


def test_what_someone_else_will_not_do_is_not_the_persons_refusal():
    for said, kept in (
        ("Her landlord won't do repairs and the flat is damp.", "repairs"),
        ("The council won't fix the boiler", "boiler"),
        ("Her son doesn't want her going out alone", "going out"),
        ("My GP won't refer me for counselling", "counselling"),
        ("the housing association really won't sort the damp", "damp"),
    ):
        assert text.refusals(said) == (), said
        assert kept in text.without_refusals(said), said
    # The person's own refusals are still read, however they are named.
    assert [r.thing for r in text.refusals("She won't go to groups")] == ["groups"]
    assert [r.thing for r in text.refusals("I really don't want groups")] == ["groups"]
    assert [r.thing for r in text.refusals("He hates crowds")] == ["crowds"]
    # A relative is someone else only when named as the person's ("her son"): "Mum" may be the
    # person, in a daughter's words.
    assert [r.thing for r in text.refusals("Mum hates crowds")] == ["crowds"]
    assert text.refusals("Her mum hates crowds") == ()


def test_a_refusal_names_what_is_refused_and_is_taken_out():
    said = "I don't want to sit in a day centre, I want to go places."
    assert [r.thing for r in text.refusals(said)] == ["sit in a day centre"]
    assert "day centre" not in text.without_refusals(said)
    assert "go places" in text.without_refusals(said)
    keith = "He said 'I don't do groups, and I'm not going to a coffee morning'."
    assert [r.thing for r in text.refusals(keith)] == ["groups", "a coffee morning"]
    assert [r.thing for r in text.refusals("not a group person")] == ["group"]
    assert [r.thing for r in text.refusals("no talking groups")] == ["talking groups"]
    # "Without" and a condition refuse too.
    for said, thing in (
        ("something without having to talk", "talk"),
        ("a walk without a crowd", "a crowd"),
        (
            "lose weight without a 'diet club where they weigh you in front of everyone'",
            "a 'diet club",
        ),
        ("as long as it isn't a group", "a group"),
        ("basketball 'if it's not with people from my school'", "people from my school"),
        ("as long as there's no talking, he'll go", "talking"),
    ):
        assert [r.thing for r in text.refusals(said)] == [thing], said
    # What the person does not want to go on being is a need, not a refusal; so is a lack.
    for need in (
        "I don't want to be on my own",
        "doesn't like being alone",
        "I don't want to drink again",
        "there are no groups near her",
        "I don't have a car",
        "no time for myself",
        "She has been without heating since October",
        "living without a car",
        "she's without family nearby",
        "days without seeing anyone",
        "active without feeling judged",
    ):
        assert text.refusals(need) == (), need


def test_a_word_search_is_one_term_not_a_search():
    assert text.stems("I love word searches") == ["wordsearch"]
    assert text.stems("wordsearches") == text.stems("a word-search book")[:1]
    assert "search" not in text.said_terms("word searches")
    assert "search" in text.terms("help with job searches")
    assert "games" in triggers("word searches")


def test_practical_skills_offered_are_volunteering_and_a_shed():
    said = "He'd happily fix things, dig or build"
    assert {"volunteering", "gardening"} <= set(triggers(said))
    assert "repair cafe" in {p.text for e in text.expand(said) for p in e.phrases}
    assert triggers("she'd mend things")["volunteering"] == "mend things"
    assert not triggers("it would make things easier")
    assert not triggers("to build confidence").keys() & {"volunteering", "mens shed"}


def test_a_qualified_word_is_searched_only_with_its_qualifier():
    assert "recoveri" not in text.said_stems("stroke recovery")
    assert "stroke recoveri" in text.said_terms("stroke recovery")
    assert "recoveri" not in text.said_terms("recovery from a stroke")
    assert "recoveri" in text.said_terms("drug recovery")
    assert "recoveri" in text.said_terms("I'm in recovery")


def test_naming_ones_own_faith_leaves_the_other_faiths_out():
    (mosque,) = text.expand("mosque")
    found = {p.text for p in mosque.phrases}
    assert {"muslim", "faith", "prayer"} <= found
    assert not {"church", "gurdwara", "temple"} & found
    assert {"church", "gurdwara"} <= {p.text for p in mosque.excluding}
    assert "mosque" in {p.text for p in mosque.own}
    (faith,) = text.expand("faith")
    assert {"church", "mosque", "gurdwara"} <= {p.text for p in faith.phrases}
    assert faith.excluding == ()


def test_fit_alone_is_not_exercise():
    assert "exercise" not in triggers("She is fit for 81 and has a bus pass")
    assert "exercise" not in triggers("a job to fit around caring")
    assert triggers("I want to get fit")["exercise"] == "get fit"
    assert triggers("a fitness class")["exercise"] == "fitness"
