"""Venue groups: the seed, the benchmark corpus's lines, real-world lines, rules and fallbacks."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
import yaml

from site_gen import venues
from site_gen.markup import fold
from site_gen.venues import (
    MAX_LABEL,
    VenueRule,
    acronym,
    builtin_group,
    shorten,
    strip_numbers,
    venue_group,
)
from tests.conftest import FIXTURES, REPO

REAL_WORLD = yaml.safe_load((FIXTURES / "venues" / "real-world.yaml").read_text(encoding="utf-8"))
CORPUS_LINES = yaml.safe_load((FIXTURES / "venues" / "corpus-lines.yaml").read_text(encoding="utf-8"))
FALLBACK_LINES = [line for line, _ in REAL_WORLD["fallback"]]
EVERY_LINE = [
    *(line for group, lines in REAL_WORLD.items() if group != "fallback" for line in lines),
    *FALLBACK_LINES,
    *(template.format(year=2023, n="61st", vol=36) for template, _ in CORPUS_LINES),
]
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The shortenings a fallback label may use in place of the words of its line.
ABBREVIATIONS = {"nlp", "nlg", "llms", "ai", "ml", "ir", "mt", "cl"}


def words(text: str) -> list[str]:
    """The words of a text, folded to lowercase ASCII."""
    return re.findall(r"\w+", fold(text))


def repeats(label: str) -> bool:
    """Whether a label says a pair of words, or an acronym, twice."""
    pairs = list(zip(words(label), words(label)[1:], strict=False))
    acronyms = [word for word in label.split() if sum(c.isupper() for c in word) >= 2]
    return len(set(pairs)) < len(pairs) or len(set(acronyms)) < len(acronyms)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th ... as the benchmark corpus writes them."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def test_seed_content_groups_as_on_the_anthology() -> None:
    venues = []
    for path in sorted((REPO / "content" / "papers").glob("*.yaml")):
        venues += [paper["venue"] for paper in yaml.safe_load(path.read_text(encoding="utf-8"))]
    counts = Counter(builtin_group(venue).name for venue in venues)
    assert counts == {"Findings of ACL": 7, "ACL": 3, "Findings of EMNLP": 1, "EMNLP": 1}


@pytest.mark.parametrize(("template", "group"), CORPUS_LINES)
def test_every_benchmark_corpus_line_lands_in_its_group(template: str, group: str) -> None:
    for year in range(1995, 2027):
        line = template.format(year=year, n=ordinal(year - 1962), vol=year - 1987)
        assert builtin_group(line).name == group, line


def test_benchmark_corpus_has_seventeen_groups() -> None:
    assert len({group for _, group in CORPUS_LINES}) == 17


@pytest.mark.parametrize(
    ("group", "line"), [(g, line) for g, lines in REAL_WORLD.items() if g != "fallback" for line in lines]
)
def test_real_world_line_lands_in_its_group(group: str, line: str) -> None:
    assert builtin_group(line).name == group


@pytest.mark.parametrize(("line", "expected"), REAL_WORLD["fallback"])
def test_lines_the_table_does_not_know_fall_back_to_their_acronym_or_stripped_line(line: str, expected: str) -> None:
    group = builtin_group(line)
    assert group.label == expected
    assert group.name in (group.label, strip_numbers(line)), "contract section 3: a group the table does not know"


@pytest.mark.parametrize("line", EVERY_LINE)
def test_every_label_is_short_says_things_once_and_has_an_ascii_slug(line: str) -> None:
    group = builtin_group(line)
    assert len(group.label) <= MAX_LABEL
    assert not repeats(group.label)
    assert SLUG.fullmatch(group.slug)
    assert group.name == group.label or group.name == strip_numbers(line)


@pytest.mark.parametrize("line", FALLBACK_LINES)
def test_fallback_labels_use_only_words_of_their_line(line: str) -> None:
    unglued = re.sub(r"(?<=[a-z])(?:19|20)\d\d\b", " ", line, flags=re.I)  # 'WAT2021' names WAT
    assert set(words(builtin_group(line).label)) <= set(words(line)) | set(words(unglued)) | ABBREVIATIONS


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Proceedings of the Fourth Workshop on Simple and Efficient Natural Language Processing (SustaiNLP)",
            "SustaiNLP",
        ),
        ("Proceedings of SustaiNLP: Workshop on Simple and Efficient Natural Language Processing", "SustaiNLP"),
        (
            "Proceedings of the 6th BlackboxNLP Workshop: Analyzing and Interpreting Neural Networks for NLP",
            "BlackboxNLP",
        ),
        ("ICTIR '23: Proceedings of the 2023 ACM SIGIR International Conference on Theory of IR", "ICTIR"),
        ("ECAI 2023 - 26th European Conference on Artificial Intelligence - Including PAIS (PAIS 2023)", "ECAI"),
        ("Proceedings of the 5th Workshop on Computational Approaches to Linguistic Code-Switching (CALCS)", "CALCS"),
        ("Proceedings of the 6th Workshop on Representation Learning for NLP (RepL4NLP-2021)", "RepL4NLP"),
        ("Proceedings of the Seventh Workshop on Noisy User-generated Text (W-NUT 2021)", "W-NUT"),
        ("Proceedings of the 8th Workshop on Asian Translation (WAT2021)", "WAT"),
        ("Proceedings of the 17th Linguistic Annotation Workshop (LAW-XVII)", "LAW"),
        ("Proceedings of the 17th International Workshop on Treebanks (TLT, SyntaxFest 2019)", "TLT"),
        ("Proceedings of the 31st ACM International Conference on Multimedia (ACM MM)", "MM"),
        ("Text, Speech, and Dialogue - 26th International Conference, TSD 2023, Pilsen, Czech Republic", "TSD"),
        ("Proceedings of the 2023 ACM Conference on Fairness, Accountability, and Transparency, FAccT 2023", "FAccT"),
        ("Proceedings of the 2nd Workshop on Tiny Things (Volume 1: Long Papers)", None),
        ("Proceedings of the 2nd Workshop on Tiny Things (Short Papers)", None),
        ("Proceedings of the Workshop on Tiny Things (Online)", None),
        ("Proceedings of the IEEE Workshop on Tiny Things: Small Is Beautiful", None),
        ("Proceedings of the Workshop on Tiny Things, Lecture Notes in Computer Science (LNCS)", None),
        ("Proceedings of the Workshop on Tiny Things, Dublin, Ireland, May 2022", None),
        ("Journal of Tiny Things (Part II)", None),
    ],
)
def test_acronym_is_the_venues_own_short_name_where_the_line_gives_one(line: str, expected: str | None) -> None:
    assert acronym(line) == expected


def test_a_long_line_is_cut_at_a_word_boundary_without_a_dangling_word() -> None:
    label = shorten("Workshop on Very Long and Winding Titles of the Sort That Nobody Reads Aloud")
    assert label == "Very Long & Winding Titles of the Sort…"
    assert len(shorten("Ein" + "sehrlanges" * 6)) == MAX_LABEL


def test_non_latin_names_get_distinct_ascii_slugs() -> None:
    names = [
        "中文信息学报",
        "中文信息处理",
        "計算言語学会論文集第一巻",
        "計算言語学会論文集第二巻",
        "NLP 中文",
        "NLP 日本語",
    ]
    slugs = [builtin_group(name).slug for name in names]
    assert all(SLUG.fullmatch(slug) and len(slug) <= MAX_LABEL for slug in slugs)
    assert len(set(slugs)) == len(names)


def test_a_hundred_thousand_papers_group_in_well_under_a_second() -> None:
    years = range(1995, 2027)
    lines = [t.format(year=y, n=ordinal(y - 1962), vol=y - 1987) for t, _ in CORPUS_LINES for y in years]
    papers = (lines * (100_000 // len(lines) + 1))[:100_000]
    for cached in (venues.builtin_group, venues._known, venues.is_journal, venues.make_venue):
        cached.cache_clear()  # every distinct line pays for its table lookup, as in a fresh build
    start = time.perf_counter()
    for line in papers:
        venue_group(line, None, ())
    assert time.perf_counter() - start < 1.0


def test_venue_short_wins_over_rules_and_table() -> None:
    rules = (VenueRule("Annual Meeting", "Rule"),)
    assert venue_group("Proceedings of the 62nd Annual Meeting of the ACL", "Mine", rules).name == "Mine"


def test_first_matching_site_rule_wins_over_table() -> None:
    rules = (VenueRule("/annual meeting of the (acl|association)/", "Big ACL"), VenueRule("Annual", "Second"))
    group = venue_group(
        "Proceedings of the 62nd Annual Meeting of the Association for Computational Linguistics", None, rules
    )
    assert (group.name, group.slug) == ("Big ACL", "big-acl")


def test_substring_rule_is_case_insensitive_and_literal() -> None:
    assert VenueRule("workshop on foo (bar)", "FooWS").matches("Proceedings of the 2nd Workshop on Foo (Bar)")


def test_strip_numbers_removes_years_ordinals_and_volumes() -> None:
    assert strip_numbers("Proceedings of the 12th Conference on Things, Volume 3, 2021") == (
        "Proceedings of the Conference on Things"
    )
    assert strip_numbers("The Thirty-Seventh Conference on Things") == "The Conference on Things"
    assert strip_numbers("Proceedings of the Eleventh Workshop on Things") == "Proceedings of the Workshop on Things"
    assert strip_numbers("Proceedings of Things Summit XIX, Vol. 1: Research Track") == (
        "Proceedings of Things Summit: Research Track"
    )


def test_slugs_are_ascii_and_never_empty() -> None:
    assert builtin_group("Findings of the Association for Computational Linguistics: EMNLP 2023").slug == (
        "findings-of-emnlp"
    )
    assert builtin_group("Journées Françaises d'Informatique").slug == "journees-francaises-d-informatique"
    assert builtin_group("中文信息学报").slug.startswith("venue-")
    code_switching = "Proceedings of the 6th Workshop on Computational Approaches to Linguistic Code-Switching"
    assert builtin_group(code_switching).slug == (
        "proceedings-of-the-workshop-on-computational-approaches-to-linguistic-code-switching"
    ), "contract section 3: the slug of the stripped line"
    assert builtin_group(code_switching).label == "Linguistic Code-Switching"


def test_journals_are_marked() -> None:
    assert builtin_group("IEEE Transactions on Knowledge and Data Engineering").journal
    assert builtin_group("Journal of Machine Learning Research").journal
    assert not builtin_group(
        "Proceedings of the 2021 Conference on Empirical Methods in Natural Language Processing"
    ).journal
