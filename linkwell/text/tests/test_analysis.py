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
