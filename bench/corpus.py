"""Synthetic publication corpora for benchmarks and rebuild tests, in the content format.

    python -m bench.corpus --papers 10000 --out DIR
    python -m bench.corpus --papers 10000 --authors 20000 --out DIR    # exactly 20,000 co-authors

Writes DIR/content/site.yaml and DIR/content/papers/YEAR.yaml (a list per year). The same
arguments always give byte-identical files. Shapes follow real lists: long proceedings titles
from two dozen venue families and their workshops, 1-9 authors with names from many languages,
Markdown abstracts of 50-250 words (some with links), ids on most papers, pages, months and DOIs.
"""

from __future__ import annotations

import argparse
import itertools
import random
import string
from collections.abc import Iterator
from pathlib import Path

import yaml

FIRST = (
    "Wei Jian Xiao Ming Li Anna José Zoë Søren Ayşe Chaofan Shitao Zheng Yingxia Hong Ying Linqi "
    "Noah Priya Olusegun Mikko Élodie Łukasz Hyun-woo Tomás Ingrid Kwame Mei Dmitri Aarav"
).split()
LAST = (
    "Chen Liu Zhang Wang Li Müller García Øvrelid Nakamura Kim Singh O'Brien Lian Xie Wu Jiang Song "
    "Shao Sun Ye Dubois Kowalski Haddad Ivanova Kovač Nguyen Okafor Fernández Weiß Ångström"
).split()
PARTICLES = ("", "", "", "", "", "van der ", "de ", "von ")
VENUES = (  # (venue line with {year}, {nth} and {vol}; id prefix)
    (
        "Proceedings of the {nth} Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)",
        "acl-long",
    ),
    (
        "Proceedings of the {nth} Annual Meeting of the Association for Computational Linguistics (Volume 2: Short Papers)",
        "acl-short",
    ),
    ("Findings of the Association for Computational Linguistics: ACL {year}", "findings-acl"),
    ("Findings of the Association for Computational Linguistics: EMNLP {year}", "findings-emnlp"),
    ("Proceedings of the {year} Conference on Empirical Methods in Natural Language Processing", "emnlp-main"),
    (
        "Proceedings of the {year} Conference of the North American Chapter of the Association for Computational Linguistics: Human Language Technologies",
        "naacl-main",
    ),
    (
        "Proceedings of the {nth} Conference of the European Chapter of the Association for Computational Linguistics",
        "eacl-main",
    ),
    ("Proceedings of the {nth} International Conference on Computational Linguistics", "coling-main"),
    ("Transactions of the Association for Computational Linguistics", "tacl"),
    ("Computational Linguistics, Volume {vol}", "cl"),
    ("Advances in Neural Information Processing Systems {vol} (NeurIPS {year})", "neurips"),
    ("Proceedings of the {nth} International Conference on Machine Learning", "icml"),
    ("The {nth} International Conference on Learning Representations (ICLR {year})", "iclr"),
    ("Proceedings of the AAAI Conference on Artificial Intelligence", "aaai"),
    (
        "Proceedings of the Thirty-Second International Joint Conference on Artificial Intelligence, IJCAI-{year}",
        "ijcai",
    ),
    ("Proceedings of the {nth} ACM SIGKDD Conference on Knowledge Discovery and Data Mining", "kdd"),
    ("Proceedings of the ACM Web Conference {year}", "www"),
    (
        "Proceedings of the {nth} International ACM SIGIR Conference on Research and Development in Information Retrieval",
        "sigir",
    ),
    ("Proceedings of the {nth} ACM International Conference on Information and Knowledge Management", "cikm"),
    ("Proceedings of the {nth} ACM International Conference on Web Search and Data Mining", "wsdm"),
    ("Proceedings of the {nth} ACM Conference on Recommender Systems", "recsys"),
    ("{year} IEEE {nth} International Conference on Data Engineering (ICDE)", "icde"),
    ("Proceedings of the VLDB Endowment, Volume {vol}", "vldb"),
    ("IEEE Transactions on Knowledge and Data Engineering", "tkde"),
    ("ACM Transactions on Information Systems", "tois"),
    ("arXiv preprint", "arxiv"),
    ("Proceedings of the {nth} Workshop on Representation Learning for NLP (RepL4NLP-{year})", "repl4nlp"),
    ("Proceedings of the {nth} Workshop on Noisy User-generated Text", "wnut"),
)
WORDS = (
    "retrieval embedding dense sparse multilingual distillation contrastive graph recommendation "
    "transformer prompt tuning lifelong compositional generalization reasoning alignment safety "
    "quantization benchmark evaluation metric dialogue translation adaptation unsupervised large "
    "language model scalable efficient robust neural representation learning self-supervised "
    "cross-lingual long-document instruction diffusion knowledge temporal sequential federated"
).split()
TRICKY = (
    'Why <b>Bold</b> Claims & "Quotes" Need Escaping',
    "Über-Efficient Retrieval: 10× Faster, 2× Smaller",
    "检索增强的大语言模型 (Retrieval-Augmented LLMs)",
    "A {Braced} Title with $x^2$ and 50% Less Memory",
)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
MONTHS = "January February March April May June July August September October November December".split()


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 11th, 62nd."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def words(rng: random.Random, low: int, high: int) -> str:
    """A run of topic words."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def abstract(rng: random.Random, i: int) -> str:
    """A Markdown abstract of 50-250 words; some emphasise a word or link to code."""
    sentences, count = [], 0
    target = rng.randint(50, 250)
    while count < target:
        sentence = words(rng, 8, 20).capitalize() + "."
        sentences.append(sentence)
        count += len(sentence.split())
    if i % 4 == 0:
        sentences.insert(1, "We make *retrieval* cheaper.")
    if i % 5 == 0:
        sentences.append(f"Code is at [our repository](https://github.com/example/p{i}).")
    return " ".join(sentences)


def paper(rng: random.Random, i: int, names: list[str] | Iterator[str]) -> dict[str, object]:
    """One paper, its authors drawn from NAMES (a list) or the next ones of NAMES (an iterator)."""
    year = rng.randint(1995, 2026)
    line, prefix = rng.choice(VENUES)
    venue = line.format(year=year, nth=ordinal(year - 1962), vol=year - 1987)
    title = TRICKY[i % len(TRICKY)] if i % 97 == 0 else words(rng, 5, 14).title()
    data: dict[str, object] = {}
    if i % 10:
        data["id"] = f"{year}.{prefix}.{i}"
    count = rng.randint(1, 9)
    authors = rng.sample(names, count) if isinstance(names, list) else list(itertools.islice(names, count))
    data.update(title=title, authors=authors, year=year, venue=venue)
    if i % 3 == 0:
        data["month"] = rng.choice(MONTHS)
    first = rng.randint(1, 12000)
    data["pages"] = f"{first}--{first + rng.randint(4, 20)}"
    data["pdf"] = f"https://example.org/pdf/{year}/{i}.pdf"
    if i % 7 == 0:
        data["code"] = f"https://github.com/example/p{i}"
    if i % 11 == 0:
        data["doi"] = f"10.18653/v1/{year}.{prefix}.{i}"
    data["abstract"] = abstract(rng, i)
    return data


def author_names(rng: random.Random, papers: int) -> list[str]:
    """A pool of names: some authors on many papers, most on a few."""
    pool = {f"{rng.choice(FIRST)} {rng.choice(PARTICLES)}{rng.choice(LAST)}" for _ in range(max(60, papers // 2))}
    return sorted(pool)


def crowd(rng: random.Random, authors: int) -> list[str]:
    """AUTHORS distinct names (first name, middle initial, family name), shuffled."""
    every = (
        f"{first} {initial}. {particle}{last}"
        for particle in dict.fromkeys(PARTICLES)
        for first in FIRST
        for initial in string.ascii_uppercase
        for last in LAST
    )
    names = list(itertools.islice(every, authors))
    if len(names) < authors:
        raise SystemExit(f"--authors: at most {len(names)} distinct names")
    rng.shuffle(names)
    return names


def write_corpus(out: Path, papers: int, seed: int = 739, authors: int | None = None) -> None:
    """DIR/content with PAPERS papers; with AUTHORS, every one of that many co-authors on one paper or more
    (taken in turn; the owner is one more)."""
    rng = random.Random(seed)
    names = author_names(rng, papers) if authors is None else crowd(rng, authors + 1)
    drawn: list[str] | Iterator[str] = names if authors is None else itertools.cycle(names)
    by_year: dict[int, list[dict[str, object]]] = {}
    for i in range(papers):
        item = paper(rng, i, drawn)
        by_year.setdefault(int(str(item["year"])), []).append(item)
    folder = out / "content" / "papers"
    folder.mkdir(parents=True, exist_ok=True)
    for year, items in sorted(by_year.items()):
        text = yaml.dump(items, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=100)
        (folder / f"{year}.yaml").write_text(text, encoding="utf-8")
    owner = names[len(names) // 2]
    (out / "content" / "site.yaml").write_text(
        f"title: {owner} — Publications\nbase_url: https://example.github.io/publications/\n"
        f"author:\n  name: {owner}\n  affiliation: Example University\n",
        encoding="utf-8",
    )


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=739)
    parser.add_argument("--authors", type=int, help="this many co-authors, each on a paper or more")
    args = parser.parse_args()
    write_corpus(args.out, args.papers, args.seed, args.authors)
    print(f"{args.papers} papers under {args.out / 'content'}")


if __name__ == "__main__":
    main()
