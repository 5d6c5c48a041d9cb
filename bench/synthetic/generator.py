"""The synthetic dump's entities: in-scope people, places and organisations with a real gazetteer's traps,
and out-of-scope filler in a real dump's proportions.

Traps, all derived from the project's data (`sources`), none from a list of the seed people:

- namesakes of every famous seed person: relatives, other given names with the same surname, the same full
  name in another country or office, a label equal to the famous one's alias or to the surname alone;
- family names that are nisbas of country and city names (المصري، السوري، البغدادي) or tribal and trade names;
- villages named with frequent ordinary words (النور، الأمل، السلام), 0–2 sitelinks;
- every seed place name reused by villages, towns and neighbourhoods elsewhere, and city/region pairs
  sharing one name;
- organisations with generic names (وزارة الخارجية، حزب العدالة، جامعة + city, clubs and newspapers).

Sitelinks are heavy-tailed: most entities have 0–2, a few hundreds.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from bench.synthetic import sources
from bench.synthetic.vocabulary import (
    DIVINE_NAMES,
    FAMILY_PATTERNS,
    GIVEN_PATTERNS,
    NAME_PARTICLES,
    TRIBAL_AND_TRADE_NISBAS,
    Zipf,
    apply_pattern,
    arabic_roots,
    foreign_names,
    merge_ranked,
    nisba,
    read_word_list,
    romanize,
)
from bench.synthetic.wire import FIRST_QID, Wire

POSITION_QIDS = [f"Q{9_200_000_000 + i}" for i in range(1, 400)]  # synthetic offices
OCCUPATIONS_IN = ["Q82955", "Q193391", "Q189290"]  # politician, diplomat, military officer
OCCUPATIONS_OUT = ["Q937857", "Q33999", "Q177220", "Q36180", "Q1930187"]  # footballer, actor, singer, writer, journ.
PLACE_CLASSES = [("Q532", "village", 50), ("Q3957", "town", 20), ("Q486972", "settlement", 15), ("Q515", "city", 8)]
REGION_CLASSES = [("Q82794", "region"), ("Q10864048", "first-level administrative division"), ("Q34876", "province")]
NEIGHBOURHOOD = "Q123705"  # out of the profile's scope, as in a real dump
FOOTBALL_CLUB = "Q476028"  # association football club: in the profile's scope, with or without "business"
PLACE_PREFIXES = ["دوار", "قرية", "عين", "سيدي", "بئر", "تل", "كفر", "أولاد", "بني", "جبل", "وادي", "رأس", "دير", "حي"]
REGION_WORDS = ["محافظة", "ولاية", "إقليم", "منطقة"]
MINISTRIES = [
    "الداخلية",
    "الخارجية",
    "المالية",
    "الصحة",
    "التربية",
    "الدفاع",
    "العدل",
    "الزراعة",
    "النقل",
    "الطاقة",
    "الثقافة",
    "الشباب",
    "الاقتصاد",
    "الإعلام",
    "السياحة",
    "الأوقاف",
    "الإسكان",
    "البيئة",
    "الصناعة",
    "التجارة",
    "العمل",
    "الاتصالات",
]
PARTY_WORDS = [
    "الاستقلال",
    "العدالة",
    "التنمية",
    "الوطني",
    "الديمقراطي",
    "الشعبي",
    "التقدم",
    "الأحرار",
    "الاشتراكي",
    "الوحدة",
    "الإصلاح",
    "الحرية",
    "النهضة",
    "الأمة",
    "الشعب",
    "الوسط",
    "البعث",
    "الكرامة",
    "المستقبل",
    "الوفاق",
]
ASSEMBLIES = [
    ("الجمعية الوطنية", "National Assembly"),
    ("المجلس الوطني", "National Council"),
    ("مجلس النواب", "House of Representatives"),
    ("مجلس الشيوخ", "Senate"),
    ("مجلس الشعب", "People's Assembly"),
    ("المجلس الأعلى", "Supreme Council"),
    ("مجلس الوزراء", "Council of Ministers"),
    ("المحكمة الدستورية", "Constitutional Court"),
]

# Shares of a dump. In-scope kinds are scaled by --in-scope; out-of-scope kinds fill the remainder.
IN_SCOPE_MIX = {"official": 0.40, "place": 0.40, "organization": 0.20}
OUT_OF_SCOPE_MIX = {
    "article": 0.34,  # scholarly articles: English titles, author strings, no Arabic
    "taxon": 0.14,  # some with Arabic names
    "category": 0.12,  # Wikimedia categories, often with an Arabic label
    "other_person": 0.20,  # P31 Q5 with an Arabic label but out of politics: must be parsed to reject
    "foreign_place": 0.12,  # places without an Arabic name
    "place_no_coordinates": 0.03,  # Arabic name but no P625
    "building": 0.05,
}
NAMESAKE_SHARE = 0.03  # of in-scope people: namesakes of a famous seed person
# The `prominent_namesakes` shape: twice as many namesakes, their sitelinks as heavy-tailed as anyone's
# (some better known than the famous bearer), as in Wikidata, where a footballer may share a minister's name.
PROMINENT_NAMESAKE_SHARE = 0.06
ORDINARY_VILLAGE_SHARE = 0.06  # of in-scope places: named with an ordinary word
SEED_PLACE_NAMESAKE_SHARE = 0.03  # of in-scope places: a seed place's name elsewhere

_VARIANTS: list[tuple[str, str]] = [("أ", "ا"), ("إ", "ا"), ("ة", "ه"), ("ى", "ي"), ("عبد ال", "عبدال"), ("غ", "ج")]


def variant(rng: random.Random, name: str) -> str:
    """A spelling variant as editors and transliterators write one (hamza dropped, ة as ه, غ as ج...)."""
    for old, new in rng.sample(_VARIANTS, 2):
        name = name.replace(old, new)
    return name


Name = tuple[str, str]  # (Arabic, Latin)


class Vocabulary:
    """Ranked name pools, built once per seed (a few seconds): given and family names, Arabic and foreign,
    place words; seed names and nisbas are spread over their ranks."""

    def __init__(self, seed: int, people: list[sources.SeedPerson], places: list[sources.SeedPlace]) -> None:
        rng = random.Random(seed * 7919 + 13)
        roots = arabic_roots(rng)
        # Every given name the linker knows, Arabic then foreign, as one list (the linker's split of
        # it changes nothing here: the pool, its order and so the gazetteers stay as they were).
        known_given = read_word_list("given_names_ar.txt") + read_word_list("foreign_given_names_ar.txt")
        real_given = [(g, romanize(g)) for g in known_given if g not in NAME_PARTICLES]
        divine = [(f"عبد {d}", "Abd " + romanize(d)) for d in DIVINE_NAMES]
        pattern_given = [apply_pattern(r, p) for r in roots for p in GIVEN_PATTERNS]
        rng.shuffle(pattern_given)
        arab_seeds = [p for p in people if p.country in sources.ARABIC_NAMING_COUNTRIES]
        foreign_seeds = [p for p in people if p.country not in sources.ARABIC_NAMING_COUNTRIES]
        given = merge_ranked(rng, real_given + pattern_given, divine, 3, 400)
        given = merge_ranked(rng, given, [(p.given_ar, p.given_en) for p in arab_seeds], 10, 5000)
        self.arab_given = Zipf(given, 1.05)
        foreign_given = foreign_names(rng, 30_000, family=False)
        foreign_given = merge_ranked(rng, foreign_given, [(p.given_ar, p.given_en) for p in foreign_seeds], 10, 8000)
        self.foreign_given = Zipf(foreign_given, 0.95)

        self.nisbas = {n: f"al-{romanize(n[2:])}" for p in places if (n := nisba(p.label_ar))}
        tribal = [(n, romanize(n)) for n in TRIBAL_AND_TRADE_NISBAS]
        pattern_family = [apply_pattern(r, p) for r in roots for p in FAMILY_PATTERNS]
        top_given = given[:3000]
        pattern_family += [(f"أبو {g}", f"Abu {latin}") for g, latin in top_given]
        pattern_family += [(f"بن {g}", f"Ben {latin}") for g, latin in top_given]
        rng.shuffle(pattern_family)
        family = merge_ranked(rng, tribal + pattern_family, sorted(self.nisbas.items()), 1, 3000)
        family = merge_ranked(rng, family, [(p.surname_ar, p.surname_en) for p in arab_seeds], 20, 20_000)
        self.arab_family = Zipf(family, 0.85, offset=5)
        self.nisba_names = frozenset(self.nisbas) | frozenset(TRIBAL_AND_TRADE_NISBAS)
        foreign_family = foreign_names(rng, 160_000, family=True)
        foreign_family = merge_ranked(
            rng, foreign_family, [(p.surname_ar, p.surname_en) for p in foreign_seeds], 20, 60_000
        )
        self.foreign_family = Zipf(foreign_family, 0.75, offset=10)

        place_words = [apply_pattern(r, p) for r in roots for p in GIVEN_PATTERNS[:8]]
        place_words += foreign_names(rng, 40_000, family=False)
        rng.shuffle(place_words)
        self.place_words = Zipf(place_words, 0.8, offset=20)
        demonyms = {n[2:] for n in self.nisbas}
        self.ordinary = [w for w in sources.ordinary_words() if w not in demonyms]
        self.ordinary_zipf = Zipf([(w, romanize(w)) for w in self.ordinary], 0.7, offset=10)


class DumpGenerator:
    """Makes synthetic entities; `entity(i)` is the i-th entity of the dump. `traps` counts each trap made,
    `last_in_scope` says whether the last entity is one the gazetteer profile keeps."""

    def __init__(self, seed: int = 1, in_scope: float = 0.10, prominent_namesakes: bool = False) -> None:
        """`prominent_namesakes`: the other shape of namesakes (`PROMINENT_NAMESAKE_SHARE`), a gazetteer
        built differently from the default one, to see what the linker's figures owe to its shape."""
        from gazetteer.keys import name_key
        from gazetteer.lexicon import REGNAL_ORDINALS

        self.rng = random.Random(seed)
        self.namesake_share = PROMINENT_NAMESAKE_SHARE if prominent_namesakes else NAMESAKE_SHARE
        self.prominent_namesakes = prominent_namesakes
        self.wire = Wire(self.rng)
        kinds = [(k, in_scope * w) for k, w in IN_SCOPE_MIX.items()]
        kinds += [(k, (1 - in_scope) * w) for k, w in OUT_OF_SCOPE_MIX.items()]
        self._kinds = [k for k, _ in kinds]
        self._weights = [w for _, w in kinds]
        self.counts: Counter[str] = Counter()
        self.traps: Counter[str] = Counter()
        self.last_in_scope = False
        self.last_kind = ""
        self.people = [
            p for p in sources.seed_people(frozenset()) if name_key(p.surname_ar.split()[-1]) not in REGNAL_ORDINALS
        ]
        self.places = sources.seed_places()
        self.vocab = Vocabulary(seed, self.people, self.places)
        countries = [p for p in self.places if p.is_country]
        self.countries = [(c.qid, c.label_ar, c.label_en, nisba(c.label_ar)) for c in countries]
        self._country_weights = [3.0 if c.qid in sources.ARABIC_NAMING_COUNTRIES else 1.0 for c in countries]
        self.cities = [p for p in self.places if p.is_city]
        self._regions: dict[str, deque[str]] = {}  # recent synthetic regions per country, for P131
        self._one_offs = deque(self._same_name_pairs())

    # Random pieces.
    def _country(self) -> tuple[str, str, str, str]:
        """(QID, Arabic name, English name, nisba) of a country; Arabic-naming countries weigh more."""
        return self.rng.choices(self.countries, self._country_weights)[0]

    def _links_heavy(self) -> int:
        """Sitelink count: mostly 0–2, a lognormal tail reaching the hundreds."""
        r = self.rng.random()
        if r < 0.45:
            return 0
        if r < 0.70:
            return 1
        if r < 0.80:
            return 2
        return min(2 + int(self.rng.lognormvariate(1.0, 1.25)), 400)

    def _links_few(self, most: int) -> int:
        """0..`most` sitelinks, 0 likeliest: the obscure namesake or village."""
        return min(int(self.rng.expovariate(1.3)), most)

    def _person_name(self, country: str) -> tuple[str, str, str, str]:
        """(label_ar, label_en, given_ar, family_ar): Arabic style in Arabic-naming countries, mostly foreign else."""
        arab = self.rng.random() < (0.95 if country in sources.ARABIC_NAMING_COUNTRIES else 0.12)
        v = self.vocab
        given = (v.arab_given if arab else v.foreign_given).draw(self.rng)
        family = (v.arab_family if arab else v.foreign_family).draw(self.rng)
        words_ar, words_en = [given[0]], [given[1]]
        if arab and self.rng.random() < 0.25:  # a father's name between: محمد سعيد المصري
            father = v.arab_given.draw(self.rng)
            words_ar.append(father[0])
            words_en.append(father[1])
        words_ar.append(family[0])
        words_en.append(family[1])
        if family[0] in v.nisba_names:
            self.traps["nisba family name"] += 1
        return " ".join(words_ar), " ".join(words_en), given[0], family[0]

    def _aliases_ar(self, label: str, extra: list[str] | None = None) -> dict[str, list[str]]:
        aliases = list(extra or [])
        if self.rng.random() < 0.5:
            aliases.append(variant(self.rng, label))
        unique = [a for a in dict.fromkeys(aliases) if a and a != label]
        return {"ar": unique} if unique else {}

    def _place_name(self) -> tuple[str, str]:
        """A generic place name: a pattern word or a foreign one, an ordinary word, often after a prefix."""
        rng, v = self.rng, self.vocab
        roll = rng.random()
        if roll < 0.55:
            word = v.place_words.draw(rng)
        elif roll < 0.9:  # a person's or a tribe's name, always after a prefix: سيدي محمد، أولاد الشمري
            word = (v.arab_given if roll < 0.75 else v.arab_family).draw(rng)
            prefix = rng.choice(PLACE_PREFIXES)
            return f"{prefix} {word[0]}", f"{romanize(prefix)} {word[1]}"
        else:
            word = v.ordinary_zipf.draw(rng)
            word = (f"ال{word[0]}", f"al-{word[1]}")
        if rng.random() < 0.5:
            prefix = rng.choice(PLACE_PREFIXES)
            return f"{prefix} {word[0]}", f"{romanize(prefix)} {word[1]}"
        return word

    # In-scope kinds.
    def official(self, qid: str) -> dict[str, Any]:
        if self.rng.random() < self.namesake_share and self.people:
            return self._namesake(qid)
        country, country_ar, country_en, _ = self._country()
        label_ar, label_en, _, _ = self._person_name(country)
        extra = []
        if self.rng.random() < 0.25 and " " in label_ar:
            father = self.vocab.arab_given.draw(self.rng)[0]
            extra.append(label_ar.replace(" ", f" بن {father} ", 1))
        return self._person(qid, label_ar, label_en, country, country_ar, country_en, extra, self._links_heavy())

    def _person(
        self,
        qid: str,
        label_ar: str,
        label_en: str,
        country: str,
        country_ar: str,
        country_en: str,
        aliases: list[str],
        links: int,
        *,
        in_scope: bool = True,
        description: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        w, rng = self.wire, self.rng
        claims: dict[str, list[Any]] = {
            "P31": [w.item(qid, "P31", "Q5")],
            "P21": [w.item(qid, "P21", rng.choice(["Q6581097", "Q6581072"]))],
            "P27": [w.item(qid, "P27", country)],
            "P569": [w.time(qid, "P569", rng.randint(1900, 1995))],
        }
        if in_scope:
            occupations = rng.sample(OCCUPATIONS_IN, rng.randint(0, 2)) or [rng.choice(OCCUPATIONS_OUT)]
            if rng.random() < 0.8 or not set(occupations) & set(OCCUPATIONS_IN):
                claims["P39"] = w.positions(qid, rng.sample(POSITION_QIDS, rng.randint(1, 3)))
            job_ar, job_en = "سياسي", "politician"
        else:
            occupations = [rng.choice(OCCUPATIONS_OUT)]
            job_ar, job_en = "شخصية", "person"
        claims["P106"] = [w.item(qid, "P106", o) for o in occupations]
        if rng.random() < 0.5:
            claims["P214"] = [w.string(qid, "P214", str(rng.randint(10**8, 10**9)))]
        desc_ar, desc_en = description or (f"{job_ar} من {country_ar}", f"{job_en} from {country_en}")
        descriptions = {"ar": desc_ar if rng.random() < 0.7 else "", "en": desc_en}
        labels = w.latin_everywhere(label_en, label_ar if rng.random() < 0.95 else "")
        alias_map = self._aliases_ar(label_ar, aliases)
        if "ar" not in labels and "ar" not in alias_map:
            labels["ar"] = label_ar
        self.last_in_scope = in_scope
        return w.envelope(qid, labels, descriptions, alias_map, claims, w.sitelinks(links, label_en, label_ar))

    def _namesake(self, qid: str, *, in_scope: bool = True) -> dict[str, Any]:
        """Someone who shares (part of) a famous seed person's name, with few sitelinks."""
        rng = self.rng
        famous = rng.choice(self.people)
        arab = famous.country in sources.ARABIC_NAMING_COUNTRIES
        given_pool = self.vocab.arab_given if arab else self.vocab.foreign_given
        roll = rng.random()
        country_qid, country_ar, country_en = famous.country, "", ""
        description = None
        two_word_aliases = [a for a in famous.aliases_ar if len(a.split()) == 2 and a != famous.label_ar]
        if roll < 0.35:
            kind = "relative"
            given = given_pool.draw(rng)
            label_ar, label_en = f"{given[0]} {famous.surname_ar}", f"{given[1]} {famous.surname_en}"
            description = (f"من أقارب {famous.label_ar}", f"relative of {famous.label_en}")
        elif roll < 0.6:
            kind = "same surname"
            given = given_pool.draw(rng)
            label_ar, label_en = f"{given[0]} {famous.surname_ar}", f"{given[1]} {famous.surname_en}"
            country_qid = ""
        elif roll < 0.8:
            kind = "same full name"
            label_ar, label_en = famous.label_ar, famous.label_en
            country_qid = ""
        elif roll < 0.9 and two_word_aliases:
            kind = "label is a famous alias"
            label_ar, label_en = rng.choice(two_word_aliases), famous.label_en
        else:
            kind = "label is a famous surname"
            label_ar, label_en = famous.surname_ar, famous.surname_en
        self.traps[f"namesake: {kind}" + ("" if in_scope else " (out of scope)")] += 1
        if not country_qid or not (match := [c for c in self.countries if c[0] == country_qid]):
            country_qid, country_ar, country_en, _ = self._country()
        else:
            country_qid, country_ar, country_en, _ = match[0]
        return self._person(
            qid,
            label_ar,
            label_en,
            country_qid,
            country_ar,
            country_en,
            [],
            self._links_heavy() if self.prominent_namesakes else self._links_few(3),
            in_scope=in_scope,
            description=description,
        )

    def _same_name_pairs(self) -> list[tuple[str, sources.SeedPlace]]:
        """One-off places sharing a seed place's exact name: a region named like its city (about 40% of seed
        cities), a city named like its country (about 20% of countries without a same-named seed city)."""
        rng = random.Random(len(self.places) * 31 + 7)
        city_labels = {p.label_ar for p in self.cities}
        pairs = [("region named like its city", p) for p in self.cities if rng.random() < 0.4]
        pairs += [
            ("city named like its country", p)
            for p in self.places
            if p.is_country and p.label_ar not in city_labels and rng.random() < 0.2
        ]
        return pairs

    def place(self, qid: str, *, arabic: bool = True, coordinates: bool = True) -> dict[str, Any]:
        rng, w = self.rng, self.wire
        in_scope = arabic and coordinates
        cls, cls_en, _ = rng.choices(PLACE_CLASSES, [weight for *_, weight in PLACE_CLASSES])[0]
        country, country_ar, country_en, _ = self._country()
        extra: list[str] = []
        roll = rng.random()
        if in_scope and self._one_offs and rng.random() < 0.25:
            kind, seed_place = self._one_offs.popleft()
            name_ar, name_en = seed_place.label_ar, seed_place.label_en
            country = seed_place.country
            if kind.startswith("region"):
                cls, cls_en = rng.choice(REGION_CLASSES)
                extra.append(f"{rng.choice(REGION_WORDS)} {name_ar}")
            else:
                cls, cls_en = "Q515", "city"
            links = 4 + int(rng.lognormvariate(2.0, 0.8))
            self.traps[kind] += 1
        elif in_scope and roll < ORDINARY_VILLAGE_SHARE:
            word = self.vocab.ordinary_zipf.draw(rng)[0]
            name_ar = word if rng.random() < 0.35 else f"ال{word}"
            name_en = romanize(name_ar)
            cls, cls_en = "Q532", "village"
            links = self._links_few(2)
            self.traps["village named with an ordinary word"] += 1
        elif in_scope and roll < ORDINARY_VILLAGE_SHARE + SEED_PLACE_NAMESAKE_SHARE and self.places:
            seed_place = rng.choice(self.places)
            name_ar, name_en = seed_place.label_ar, seed_place.label_en
            if rng.random() < 0.2:
                country = seed_place.country
            if rng.random() < 0.15:
                cls, cls_en = NEIGHBOURHOOD, "neighbourhood"
                in_scope = False
            links = self._links_few(3)
            self.traps["seed place name elsewhere" + ("" if in_scope else " (neighbourhood, out of scope)")] += 1
        else:
            name_ar, name_en = self._place_name()
            links = self._links_heavy()
        claims: dict[str, list[Any]] = {"P31": [w.item(qid, "P31", cls)], "P17": [w.item(qid, "P17", country)]}
        regions = self._regions.setdefault(country, deque(maxlen=50))
        if regions and cls not in {c for c, _ in REGION_CLASSES}:
            claims["P131"] = [w.item(qid, "P131", rng.choice(regions))]
        if cls in {c for c, _ in REGION_CLASSES} and in_scope:
            regions.append(qid)
        if coordinates:
            claims["P625"] = [w.coordinates(qid)]
        if rng.random() < 0.3:
            claims["P1566"] = [w.string(qid, "P1566", str(rng.randint(10**6, 10**7)))]  # GeoNames id
        aliases = self._aliases_ar(name_ar, extra) if arabic else {}
        descriptions = {"en": f"{cls_en} in {country_en}"}
        if arabic:
            descriptions["ar"] = f"{'قرية' if cls == 'Q532' else 'مكان'} في {country_ar}"
        labels = w.latin_everywhere(name_en, name_ar if arabic else "")
        self.last_in_scope = in_scope
        return w.envelope(qid, labels, descriptions, aliases, claims, w.sitelinks(links, name_en, name_ar))

    def _city(self) -> tuple[str, str]:
        """A seed city's name half the time, else a synthetic place name."""
        if self.cities and self.rng.random() < 0.5:
            city = self.rng.choice(self.cities)
            return city.label_ar, city.label_en
        return self._place_name()

    def organization(self, qid: str) -> dict[str, Any]:
        rng, w, v = self.rng, self.wire, self.vocab
        country, country_ar, country_en, adjective = self._country()
        adjective_ar = f"{adjective}ة" if adjective else ""
        roll = rng.random()
        classes = ["Q43229"]
        in_scope = True
        if roll < 0.2:
            word = rng.choice(MINISTRIES)
            form = rng.random()
            if form < 0.35 or not adjective_ar:
                name_ar = f"وزارة {word}"
            elif form < 0.8:
                name_ar = f"وزارة {word} {adjective_ar}"
            else:
                name_ar = f"وزارة {word} ({country_ar})"
            name_en, classes, kind = f"Ministry of {romanize(word)} ({country_en})", ["Q327333"], "ministry"
        elif roll < 0.4:
            words = rng.sample(PARTY_WORDS, rng.choice((1, 1, 2)))
            if rng.random() < 0.3:
                words.append(f"ال{v.ordinary_zipf.draw(rng)[0]}")
            name_ar = ("الحزب " if words[0].endswith("ي") else "حزب ") + " و".join(words)
            name_en, classes, kind = f"{romanize(name_ar)} Party", ["Q7278"], "party"
        elif roll < 0.48:
            assembly_ar, assembly_en = rng.choice(ASSEMBLIES)
            name_ar = assembly_ar if rng.random() < 0.4 else f"{assembly_ar} ({country_ar})"
            name_en, classes, kind = f"{assembly_en} of {country_en}", ["Q2659904"], "assembly"
        elif roll < 0.58:
            name = rng.choice(
                [v.ordinary_zipf.draw(rng), (country_ar, country_en), self._city(), v.arab_family.draw(rng)]
            )
            name_ar, name_en, classes, kind = f"بنك {name[0]}", f"Bank {name[1]}", ["Q4830453"], "bank"
        elif roll < 0.7:
            city = self._city()
            name_ar, name_en, classes, kind = f"جامعة {city[0]}", f"University of {city[1]}", ["Q43229"], "university"
        elif roll < 0.8:
            city = self._city()
            name_ar = f"نادي {city[0]}" if rng.random() < 0.6 else f"{city[0]} الرياضي"
            name_en, kind = f"{city[1]} SC", "club named after a city"
            classes = [FOOTBALL_CLUB, "Q4830453"] if rng.random() < 0.4 else [FOOTBALL_CLUB]
        elif roll < 0.88:
            word = v.ordinary_zipf.draw(rng)[0]
            name_ar = word if word.startswith("ال") else f"ال{word}"
            name_en, classes, kind = romanize(name_ar), ["Q11032"], "newspaper named with an ordinary word"
        else:
            word = rng.choice([v.ordinary_zipf.draw(rng), v.place_words.draw(rng), v.arab_family.draw(rng)])
            name_ar, name_en, classes, kind = f"شركة {word[0]}", f"{word[1]} Company", ["Q4830453"], "company"
        self.traps[f"organisation: {kind}" + ("" if in_scope else " (out of scope)")] += 1
        claims = {
            "P31": [w.item(qid, "P31", c) for c in classes],
            "P17": [w.item(qid, "P17", country)],
            "P571": [w.time(qid, "P571", rng.randint(1900, 2020))],
        }
        aliases = self._aliases_ar(name_ar)
        labels = w.latin_everywhere(name_en, name_ar)
        self.last_in_scope = in_scope
        description = {"en": f"organisation in {country_en}", "ar": f"منظمة في {country_ar}"}
        return w.envelope(qid, labels, description, aliases, claims, w.sitelinks(self._links_heavy(), name_en, name_ar))

    # Out-of-scope filler.
    def article(self, qid: str) -> dict[str, Any]:
        w, rng = self.wire, self.rng
        words = rng.sample(
            [
                "effects",
                "of",
                "protein",
                "on",
                "cell",
                "growth",
                "in",
                "mice",
                "analysis",
                "clinical",
                "study",
                "novel",
                "method",
                "for",
                "gene",
                "expression",
                "a",
                "review",
            ],
            8,
        )
        title = " ".join(words).capitalize()
        authors = [f"{self.vocab.foreign_given.draw(rng)[1]} {self.vocab.foreign_family.draw(rng)[1]}"]
        authors += [f"{self.vocab.arab_given.draw(rng)[1]} {self.vocab.arab_family.draw(rng)[1]}"]
        claims: dict[str, list[Any]] = {
            "P31": [w.item(qid, "P31", "Q13442814")],
            "P1476": [
                w.statement(
                    qid,
                    "P1476",
                    {"value": {"text": title, "language": "en"}, "type": "monolingualtext"},
                    "monolingualtext",
                )
            ],
            "P577": [w.time(qid, "P577", rng.randint(1990, 2023))],
            "P356": [w.string(qid, "P356", f"10.{rng.randint(1000, 9999)}/{rng.getrandbits(40):x}")],
            "P2093": [w.string(qid, "P2093", rng.choice(authors), "string") for _ in range(rng.randint(1, 12))],
        }
        self.last_in_scope = False
        return w.envelope(qid, {"en": title}, {"en": "scholarly article"}, {}, claims, {})

    def taxon(self, qid: str) -> dict[str, Any]:
        w, rng = self.wire, self.rng
        name = f"{rng.choice(['Acacia', 'Ficus', 'Rosa', 'Aedes', 'Papilio'])} {w.hash()[:8]}"
        claims = {"P31": [w.item(qid, "P31", "Q16521")], "P225": [w.string(qid, "P225", name, "string")]}
        labels = w.latin_everywhere(name, "نوع من الكائنات" if rng.random() < 0.2 else "")
        self.last_in_scope = False
        return w.envelope(qid, labels, {"en": "species"}, {}, claims, w.sitelinks(self._links_few(3), name))

    def category(self, qid: str) -> dict[str, Any]:
        w = self.wire
        place_ar, place_en = self._place_name()
        labels = {"en": f"Category:People from {place_en}"}
        if self.rng.random() < 0.7:
            labels["ar"] = f"تصنيف:أشخاص من {place_ar}"
        claims = {"P31": [w.item(qid, "P31", "Q4167836")]}
        self.last_in_scope = False
        sitelinks = {"enwiki": {"site": "enwiki", "title": labels["en"], "badges": []}}
        return w.envelope(qid, labels, {"en": "Wikimedia category"}, {}, claims, sitelinks)

    def other_person(self, qid: str) -> dict[str, Any]:
        """A person outside politics (footballer, actor...): parsed, then rejected by the build."""
        if self.rng.random() < self.namesake_share and self.people:
            return self._namesake(qid, in_scope=False)
        country, country_ar, country_en, _ = self._country()
        label_ar, label_en, _, _ = self._person_name(country)
        return self._person(
            qid, label_ar, label_en, country, country_ar, country_en, [], self._links_heavy(), in_scope=False
        )

    def building(self, qid: str) -> dict[str, Any]:
        w, rng = self.wire, self.rng
        name_ar, name_en = self._place_name()
        claims = {"P31": [w.item(qid, "P31", rng.choice(["Q41176", "Q11424"]))], "P625": [w.coordinates(qid)]}
        labels = w.latin_everywhere(f"{name_en} tower", f"برج {name_ar}" if rng.random() < 0.4 else "")
        self.last_in_scope = False
        return w.envelope(qid, labels, {"en": "building"}, {}, claims, w.sitelinks(self._links_few(4), name_en))

    def entity(self, index: int) -> dict[str, Any]:
        """The entity at position `index` (0-based) of the dump."""
        qid = f"Q{FIRST_QID + index}"
        kind = self.rng.choices(self._kinds, self._weights)[0]
        self.counts[kind] += 1
        self.last_kind = kind
        if kind == "foreign_place":
            return self.place(qid, arabic=False)
        if kind == "place_no_coordinates":
            return self.place(qid, coordinates=False)
        maker: Callable[[str], dict[str, Any]] = getattr(self, kind)
        return maker(qid)
