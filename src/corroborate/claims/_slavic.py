"""Reading numeric harm claims from Ukrainian and Russian report text.

The same fields as the English reader, by the same conventions: event, qualifier and victim
category in English; the victims and the claimant as written, in the text's own language and
case ("українських військовополонених", "Офісу Генпрокурора"). Words are matched by lemma
(pymorphy3), so "загинули", "загиблих" and "загибель" are one entry and "п'ятьох", "пятерых"
are 5. Rules read the sentence around each number: what it counts (the noun phrase after it),
the event (a word before or after it), and who says so (the attribution of the sentence, or of
the statement the paragraph continues).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

from corroborate.claims._periods import INVASION, Period, _relative
from corroborate.claims._places import resolve_place
from corroborate.claims._sentences import Sentence
from corroborate.claims._slavic_lexicon import EventWord, Lexicon, analyzer, lemmas
from corroborate.core import (
    CLAIM_EVENTS,
    CLAIM_QUALIFIERS,
    CLAIM_VICTIM_CATEGORIES,
    Claim,
    ClaimEvent,
    known_word,
)
from corroborate.errors import InternalError

_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*(?:-[^\W\d_]+)*|[^\w\s]")
_DASHES = {"—", "–", "‒", "-"}
_PUNCT_STOPS = {",", ";", ":", "(", ")", "«", "»", '"', "!", "?", "."} | _DASHES
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "ё": "е", "Ё": "Е"})
_MONTH_ORDER = {
    "uk": "січень лютий березень квітень травень червень липень серпень вересень жовтень "
    "листопад грудень".split(),
    "ru": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь".split(),
}


def lexicon(lang: str) -> Lexicon:
    """The lexicon of `lang` ("uk" or "ru")."""
    if lang == "uk":
        from corroborate.claims._lexicon_uk import LEXICON as UK

        return UK
    from corroborate.claims._lexicon_ru import LEXICON as RU

    return RU


@dataclass
class _Token:
    text: str
    low: str
    start: int
    end: int
    lemmas: frozenset[str]
    tags: frozenset[str]
    value: int | None = None  # a number: its value


@dataclass
class _Draft:
    """A claim being read; it becomes a Claim once the sentence's claimant and period are known."""

    index: int
    token: _Token
    count: int
    count_high: int | None
    qualifier: str
    event: ClaimEvent | None
    victims: str | None
    category: str
    inclusion: bool
    end: int  # character offset where the claim's words end


@dataclass
class _Context:
    """What earlier sentences leave for later ones: "за його словами", a continued statement."""

    last_claimant: str | None = None
    statement: str | None = None


def extract_slavic_claims(
    text: str, lang: str, *, reference_date: date | None = None, resolve_places: bool = True
) -> list[Claim]:
    """Every numeric harm claim in Ukrainian (`lang` "uk") or Russian ("ru") `text`.

    With `resolve_places`, a place named in a claim's sentence ("у Бучі", "в Курской области")
    is looked up in the gazetteer by its nominative forms, and kept only when it resolves.
    """
    lx = lexicon(lang)
    reference = reference_date or find_slavic_dateline(text, lx)
    ctx = _Context()
    claims: list[Claim] = []
    end_of_last = 0
    unattributed: list[int] = []  # claims of this paragraph that no one is named for yet
    sentences = split_slavic_sentences(text)
    for sentence in sentences:
        if "\n" in text[end_of_last : sentence.start]:
            ctx.statement = None  # a new line or paragraph ends a continued statement
            unattributed = []
        end_of_last = sentence.start + len(sentence.text)
        source = about_this(sentence.text, lx)
        if source is not None:  # "Про це повідомив X": X is the source of what came before
            for k in unattributed:
                claims[k] = replace(claims[k], claimant=source)
            unattributed = []
        for claim in _read_sentence(sentence, lx, ctx, reference):
            if claim.claimant is None:
                unattributed.append(len(claims))
            claims.append(claim)
    if len(sentences) > 1 and (signed := signature(sentences[-1].text, lx)):
        claims = [c if c.claimant else replace(c, claimant=signed) for c in claims]
    if resolve_places:
        claims = [_with_place(c, lx) for c in claims]
    return claims


def _with_place(claim: Claim, lx: Lexicon) -> Claim:
    for name in place_candidates(claim.sentence, lx, exclude=claim.claimant):
        place = resolve_place(name, claim.sentence)
        if place is not None:
            return replace(claim, place=name, place_resolved=place)
    return claim


_PLACE_PREPOSITIONS = frozenset(
    "у в во біля поблизу під неподалік на по до із з возле около под близ вблизи".split()
)
_SETTLEMENT_WORDS = frozenset(
    "село селище місто смт хутір станиця город поселок деревня хутор станица пгт".split()
)
# "обстрілу Нікополя", "штурма Угледара": the place of an attack, in the genitive after it
_ATTACK_LEMMAS = frozenset(
    "обстріл удар атака штурм окупація звільнення оборона бомбардування обстрел атака штурм "
    "оккупация освобождение оборона бомбардировка".split()
)
_REGION_NOUNS = {"область": "femn", "район": "masc", "округ": "masc", "громада": "femn"}
_NOT_PLACE_LEMMAS = frozenset(
    "офіс міністерство генштаб служба штаб поліція прокуратура генпрокуратура адміністрація "
    "україна росія рф ефір телеграм місія оон рада уряд командування министерство служба "
    "полиция прокуратура администрация правительство миссия украина россия минобороны".split()
)


def place_candidates(sentence: str, lx: Lexicon, exclude: str | None = None) -> list[str]:
    """Names a sentence places its events at, in nominative forms to look up, first ones first.

    A capitalised word after a preposition of place ("у Бучі", "по Херсону", "біля Авдіївки"),
    after a settlement word ("у селі Українськ"), or an oblast or raion ("в Курской области").
    Never the claimant's own words or a body ("в Офісі Генпрокурора").
    """
    tokens = [t for t in _tokenize(sentence, lx) if t.value is None]
    names: list[str] = []
    for k in range(1, len(tokens)):
        t = tokens[k]
        prev = tokens[k - 1]
        if not t.text[:1].isupper() or t.text.isupper() or not t.text.isalpha():
            continue
        if prev.low not in _PLACE_PREPOSITIONS and not prev.lemmas & (
            _SETTLEMENT_WORDS | _ATTACK_LEMMAS
        ):
            continue
        if t.lemmas & _NOT_PLACE_LEMMAS or (exclude and t.text in exclude):
            continue
        if prev.lemmas & _SETTLEMENT_WORDS:
            names.append(t.text)  # "у селі Українськ": the name after the word is nominative
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        region = (
            next((x for x in following.lemmas if x in _REGION_NOUNS), None) if following else None
        )
        if region is not None:
            adjective = _inflected(t.low, lx, {"nomn", "sing", _REGION_NOUNS[region]})
            if adjective:
                names.append(f"{adjective.capitalize()} {region}")
        forms = [str(p.normal_form) for p in analyzer(lx.lang).parse(t.low)]
        for form in dict.fromkeys(forms):
            names.append(form.capitalize())
        names.append(t.text)
    return list(dict.fromkeys(names))


def _inflected(word: str, lx: Lexicon, grammemes: set[str]) -> str | None:
    for p in analyzer(lx.lang).parse(word):
        if "ADJF" in p.tag.grammemes or p.tag.POS == "ADJF":
            form = p.inflect(grammemes)
            if form is not None:
                return str(form.word)
    return None


# --- sentences, tokens and numbers ------------------------------------------------------------


# A full stop, question or exclamation mark (with closing quotes) before space and a capital
# (Cyrillic or Latin), an opening quote, a digit or a list bullet; or a line break.
_BOUNDARY = re.compile(
    r"(?<=[.!?…])[\"'»”)]*\s+(?=[«\"„“(А-ЯІЇЄҐЁA-Z0-9▪•●◾–—-])|\n\s*\n|\n(?=\S)"
)
_ABBREVIATIONS = frozenset(
    "ст ч п пп р рр г гг м с обл вул ул пр просп тис тыс млн млрд грн руб див см т д ін др "
    "им смт пгт о н е пос кв".split()
)


def split_slavic_sentences(text: str) -> list[Sentence]:
    """Sentences of Ukrainian or Russian text with their offsets; "ст. 438", "В. Зеленський",
    "тис." do not end one."""
    sentences: list[Sentence] = []
    paragraph = 0
    pos = 0
    for m in _BOUNDARY.finditer(text):
        chunk = text[pos : m.start()]
        word = re.search(r"([^\W\d_]+)\.[\"'»”)]*$", chunk)
        if word and "\n" not in m.group(0):
            w = word.group(1)
            if w.lower() in _ABBREVIATIONS or (len(w) == 1 and w.isupper()):
                continue
        _add_sentence(sentences, text, pos, m.start(), paragraph)
        if re.search(r"\n\s*\n", m.group(0)):
            paragraph += 1
        pos = m.end()
    _add_sentence(sentences, text, pos, len(text), paragraph)
    return sentences


def _add_sentence(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        out.append(Sentence(stripped, start + len(chunk) - len(chunk.lstrip()), paragraph))


def _tokenize(text: str, lx: Lexicon) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        low = word.lower().translate(_APOSTROPHES)
        if word[0].isalpha():
            forms, tags = lemmas(lx.lang, low)
        else:
            forms, tags = frozenset({low}), frozenset()
        tokens.append(_Token(word, low, m.start(), m.end(), forms, tags))
    return _merge_numbers(text, tokens, lx)


def _merge_numbers(text: str, tokens: list[_Token], lx: Lexicon) -> list[_Token]:
    """Digits ("1 842", "15 тисяч", "1,5 тис.") and number words ("двадцяти трьох") as one token."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.text.isdigit():
            j, value, end = _digits(text, tokens, i)
            if value is not None and not _not_a_count(text, tokens, i, j):
                mult, j2 = _multiplier(tokens, j, lx)
                merged = _Token(text[t.start : end], t.low, t.start, end, frozenset(), frozenset())
                merged.value = value * mult
                if mult > 1:
                    merged.end = tokens[j2 - 1].end
                    merged.text = text[t.start : merged.end]
                    j = j2
                out.append(merged)
                i = j
                continue
            out.extend(tokens[i:j])
            i = j
            continue
        if _numeral(t, lx) is not None:
            j = i
            total = current = 0
            while j < len(tokens) and (
                (v := _numeral(tokens[j], lx)) is not None
                or (current and _mult_of(tokens[j], lx) > 1)
            ):
                if v is not None:
                    current += v
                else:
                    total += current * _mult_of(tokens[j], lx)
                    current = 0
                j += 1
            merged = _Token(text[t.start : tokens[j - 1].end], t.low, t.start, tokens[j - 1].end,
                            frozenset(), frozenset())  # fmt: skip
            merged.value = total + current
            if not (j < len(tokens) and tokens[j].low in lx.date_words):
                out.append(merged)
            i = j
            continue
        out.append(t)
        i += 1
    return out


def _digits(text: str, tokens: list[_Token], i: int) -> tuple[int, int | None, int]:
    """(next token index, value, end offset) of the digit group starting at token i."""
    t = tokens[i]
    digits = t.text
    j = i + 1
    end = t.end
    if len(t.text) <= 3:  # "1 842", "11 520": groups of three after a space
        while (
            j < len(tokens)
            and tokens[j].text.isdigit()
            and len(tokens[j].text) == 3
            and re.fullmatch(r"[ \u00a0\u202f]", text[end : tokens[j].start])
        ):
            digits += tokens[j].text
            end = tokens[j].end
            j += 1
    # "1,5 тис.": a decimal is a count only with a multiplier after it
    if (
        j + 1 < len(tokens)
        and tokens[j].text in {",", "."}
        and tokens[j].start == end
        and tokens[j + 1].text.isdigit()
        and tokens[j + 1].start == tokens[j].end
    ):
        frac = tokens[j + 1].text
        if j + 2 < len(tokens) and tokens[j + 2].low in {"тис", "тыс", "млн"}:
            mult = 1000 if tokens[j + 2].low != "млн" else 1_000_000
            value = int(round(float(f"{digits}.{frac}") * mult))
            end = tokens[j + 2].end
            k = j + 3
            if k < len(tokens) and tokens[k].text == "." and tokens[k].start == end:
                end = tokens[k].end
                k += 1
            return k, value, end
        return j + 2, None, tokens[j + 1].end  # a measurement or a date, not a head count
    return j, int(digits), end


def _not_a_count(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    """Ordinals, ages, years, dates, times, percentages, model names: not head counts."""
    start = tokens[i].start
    end = tokens[j - 1].end
    before, after = text[max(0, start - 3) : start], text[end : end + 12]
    if re.search(r"[^\W\d_]-?$|№\s*$", before):
        return True  # Су-25, Т-72, № 5
    if re.match(r"-?[^\W\d_]|\s*%|\s*(?:відсот|процент)|[:.]\d", after):
        return True  # 35-річний, 93-ї, 10%, 10:30, 14.03
    return j < len(tokens) and bool(tokens[j].lemmas & _DATE_WORDS)


_DATE_WORDS = frozenset(
    "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад "
    "грудень рік январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь "
    "декабрь год".split()
)


def _multiplier(tokens: list[_Token], j: int, lx: Lexicon) -> tuple[int, int]:
    if j < len(tokens) and (m := _mult_of(tokens[j], lx)) > 1:
        k = j + 1
        if tokens[j].low in {"тис", "тыс", "млн"} and k < len(tokens) and tokens[k].text == ".":
            k += 1
        return m, k
    return 1, j


def _mult_of(t: _Token, lx: Lexicon) -> int:
    if t.low in lx.multipliers:
        return lx.multipliers[t.low]
    return max((lx.multipliers.get(x, 1) for x in t.lemmas), default=1)


def _numeral(t: _Token, lx: Lexicon) -> int | None:
    if not t.text[0].isalpha():
        return None
    if t.low in lx.numerals:
        return lx.numerals[t.low]
    for form in t.lemmas:
        if form in lx.numerals and ("NUMR" in t.tags or form == t.low or "NOUN" not in t.tags):
            return lx.numerals[form]
    return None


# --- one sentence ------------------------------------------------------------------------------


def _read_sentence(
    sentence: Sentence, lx: Lexicon, ctx: _Context, reference: date | None
) -> list[Claim]:
    text = sentence.text
    tokens = _tokenize(text, lx)
    attribution = _claimant(text, tokens, lx, ctx)
    if attribution:
        ctx.last_claimant = ctx.statement = attribution
    if not any(t.value is not None for t in tokens):
        return []
    low = text.lower().translate(_APOSTROPHES)
    sentence_lemmas = frozenset().union(*(t.lemmas for t in tokens))
    drafts: list[_Draft] = []
    consumed: set[int] = set()
    for i, t in enumerate(tokens):
        if t.value is None or i in consumed:
            continue
        drafts.extend(_read_number(low, tokens, i, lx, consumed, drafts))
    claimant = attribution or ctx.statement
    period = find_slavic_period(_WIRE_DATELINE.sub("", text), lx, reference)
    claims: list[Claim] = []
    for d in drafts:
        if d.event is None:
            continue
        category = _settle_category(d, lx, sentence_lemmas, text)
        claims.append(
            Claim(
                count=d.count,
                count_high=d.count_high,
                qualifier=known_word(d.qualifier, CLAIM_QUALIFIERS, "claim qualifier"),
                event=known_word(d.event, CLAIM_EVENTS, "claim event"),
                victims=d.victims,
                victim_category=known_word(category, CLAIM_VICTIM_CATEGORIES, "victim category"),
                claimant=claimant,
                period=period.words if period else None,
                date_from=period.date_from if period else None,
                date_to=period.date_to if period else None,
                place=None,
                place_resolved=None,
                sentence=text,
                char_start=sentence.start + d.token.start,
                char_end=sentence.start + max(d.end, d.token.end),
            )
        )
    return claims


def _settle_category(d: _Draft, lx: Lexicon, sentence_lemmas: frozenset[str], sentence: str) -> str:
    """Combatants captured, surrendered, executed or in captivity are prisoners of war."""
    category = d.category
    if category == "combatant" and (
        d.event in {"executed", "captured", "surrendered"}
        or sentence_lemmas & lx.pow_context
        or lx.pow_phrases.search(sentence)
    ):
        return "pow"
    if category == "unknown" and d.event == "killed" and sentence_lemmas & lx.forces_context:
        if d.victims is None or all(
            lx.persons.get(x) == "unknown" for w in d.victims.split() for x in _lemmas_of(w, lx)
        ):
            return "combatant"  # "втрати ворога склали 1 020 осіб": losses are soldiers
    return category


def _lemmas_of(word: str, lx: Lexicon) -> frozenset[str]:
    return lemmas(lx.lang, word.lower().translate(_APOSTROPHES))[0] & lx.persons.keys()


def _read_number(
    low: str,
    tokens: list[_Token],
    i: int,
    lx: Lexicon,
    consumed: set[int],
    drafts: list[_Draft],
) -> list[_Draft]:
    """The claim a number makes (and a daily rise in brackets after it), or none."""
    t = tokens[i]
    if t.value is None:
        raise InternalError("a number token without its value")
    count, high, qualifier = t.value, None, "exact"
    last = i
    # what comes just before the number: qualifiers, "серед них", a bulletin label (a window, so
    # a sentence of thousands of numbers is read in linear time)
    before_text = low[max(0, t.start - 80) : t.start]
    # "від 30 до 40", "30–40"
    if (
        i + 2 < len(tokens)
        and tokens[i + 2].value is not None
        and (
            (
                tokens[i + 1].low == lx.range_joiner
                and i > 0
                and tokens[i - 1].low == lx.range_opener
            )
            or tokens[i + 1].text in _DASHES
        )
        and tokens[i + 2].value > t.value  # type: ignore[operator]
    ):
        high, qualifier, last = tokens[i + 2].value, "range", i + 2
        consumed.add(i + 2)
    else:
        for rx, q in lx.qualifiers_before:
            if rx.search(before_text):
                qualifier = q
                break
        if qualifier == "at_most" and i >= 2 and tokens[i - 1].low == lx.range_joiner:
            if tokens[i - 2].lemmas & lx.linking_verbs:
                qualifier = "exact"  # "зросла до 14": the toll rose to 14
    increment: _Token | None = None
    if _is_increment(tokens, last + 1):  # "680 400 (+1 200) осіб": the day's rise in brackets
        increment = tokens[last + 3]
        consumed.add(last + 3)
        last += 4
    head = _victim_phrase(tokens, last + 1, lx, consumed)
    if head.kind == "thing":
        return []
    cue = lx.inclusion.search(before_text)
    inclusion = bool(cue)
    event: str | None = head.event if head.kind == "event" else None
    victims, category = head.words, head.category
    if lx.personnel_labels.search(before_text):
        event = "killed"  # a bulletin's "особового складу — 680 400": personnel losses
        category = "combatant"
    elif head.kind != "event":
        after = _event_after(tokens, head.end, head, lx)
        before = _event_before(tokens, i, head, lx)
        if head.kind == "eventhead":
            if after is not None:
                event = after[0]  # "Трое раненых скончались": the wounded died
            else:
                event, victims, category = head.event, None, "unknown"
        elif before is not None and before[1] <= 1:
            event = before[0]
        elif after is not None:
            event = after[0]
        elif before is not None and before[1] <= 3:
            event = before[0]
        elif head.modifier_event is not None:
            # "тіла трьох розстріляних чоловіків": the event is the participle before the noun
            event, victims = head.modifier_event, head.bare_words
    if event == "perpetrator":
        return []  # "четверо окупантів розстріляли ...": the count is of those who did it
    previous = next((d for d in reversed(drafts) if not d.inclusion), None)
    if event is None and head.kind == "bare" and i >= 2 and tokens[i - 1].text in {":"} | _DASHES:
        label = _event_word(tokens[i - 2], lx)  # "Загиблі: 3, поранені: 12"
        if label is not None and label.event != "incidents":
            event = label.event
    if event is None and cue is not None:
        cue_event = next(
            (
                ew.event
                for x in tokens[max(0, i - 8) : i]
                if x.start >= t.start - len(before_text) + cue.start()
                and (ew := _event_word(x, lx)) is not None
            ),
            None,
        )  # "Серед загиблих – 16 дітей"
        event = cue_event or (previous.event if previous is not None else None)
    if event is None:
        return []
    if event in {"killed", "injured"} and _killed_or_wounded(tokens, i, head.end, lx):
        # "500 осіб убитими і пораненими": one total of both, never read as killed. Where the
        # event list has no word for it, no claim rather than a wrong one.
        if "casualties" not in CLAIM_EVENTS:
            return []
        event = "casualties"
    if victims is None and previous is not None and not inclusion and previous.victims:
        victims, category = previous.victims, previous.category  # "..., ще семеро поранені"
    end_tok = tokens[max(last, head.end - 1)] if head.end > last else tokens[last]
    read = known_word(event, CLAIM_EVENTS, "claim event")
    found = [_Draft(i, t, count, high, qualifier, read, victims, category, inclusion, end_tok.end)]
    if increment is not None and increment.value is not None:
        found.append(
            _Draft(i, increment, increment.value, None, "exact", read, victims, category,
                   inclusion, increment.end)
        )  # fmt: skip
    return found


def _killed_or_wounded(tokens: list[_Token], i: int, end: int, lx: Lexicon) -> bool:
    """Whether a killed word and an injured word joined by "і"/"и" stand beside the count."""
    window = tokens[max(0, i - 6) : min(len(tokens), end + 6)]
    for a, conj, b in zip(window, window[1:], window[2:], strict=False):
        if a.value is not None or b.value is not None or conj.low not in lx.conjunctions:
            continue
        pair = {e.event for t in (a, b) if (e := _event_word(t, lx)) is not None}
        if pair == {"killed", "injured"}:
            return True
    return False


def _is_increment(tokens: list[_Token], k: int) -> bool:
    """Whether tokens k .. k+3 read "( + N )"."""
    return (
        k + 3 < len(tokens)
        and tokens[k].text == "("
        and tokens[k + 1].text == "+"
        and tokens[k + 2].value is not None
        and tokens[k + 3].text == ")"
    )


@dataclass
class _Head:
    kind: str  # person, eventhead, event (a counted event noun), thing, bare
    words: str | None
    category: str
    event: ClaimEvent | None
    end: int  # token index after the phrase
    modifier_event: ClaimEvent | None = None  # "розстріляних чоловіків": the participle's event
    bare_words: str | None = None  # the words without that participle


def _victim_phrase(tokens: list[_Token], j: int, lx: Lexicon, consumed: set[int]) -> _Head:
    """What the number counts: people (as written), an event noun, a thing, or nothing said."""
    if j + 1 < len(tokens) and tokens[j].low in lx.partitive and tokens[j + 1].value is not None:
        consumed.add(j + 1)  # "47 з 52 дронів": the whole names what is counted
        j += 2
    start = j
    k = j
    last_person = -1
    incidents = {w for w, e in lx.events.items() if e.event == "incidents"}
    while k < len(tokens) and k - start < 6:
        t = tokens[k]
        if t.value is not None or not t.text[0].isalpha():
            break
        if t.lemmas & lx.persons.keys():
            last_person = k
            k += 1
            continue
        if t.lemmas & incidents and last_person < 0:
            if k == start or all("ADJF" in x.tags for x in tokens[start:k]):
                victims, category, end = _of_phrase(tokens, k + 1, lx)
                return _Head("event", victims, category, "incidents", end)
        if t.tags & {"ADJF", "PRTF", "NPRO"}:
            k += 1  # "поранених українських військових", "наших бійців": modifiers too
            continue
        break
    if last_person >= 0:
        phrase = tokens[start : last_person + 1]
        words = " ".join(x.text for x in phrase)
        persons = [x for x in phrase if x.lemmas & lx.persons.keys()]
        category = _category(persons[-1], lx)
        if any(x.lemmas & lx.civilian_modifiers for x in phrase):
            category = "civilian"
        heads = [_event_word(x, lx) for x in persons]
        if len(phrase) == 1 and heads[0] is not None and heads[0].role == "head":
            return _Head("eventhead", words, category, heads[0].event, last_person + 1)
        lead = _event_word(phrase[0], lx)
        if (
            lead is not None
            and (lead.role == "head" or "PRTF" in phrase[0].tags)
            and len(phrase) > 1
        ):
            rest = " ".join(x.text for x in phrase[1:])
            if len(persons) > 1 or phrase[0] not in persons:
                return _Head("person", words, category, None, last_person + 1, lead.event, rest)
        return _Head("person", words, category, None, last_person + 1)
    if k == start + 1 and "PRTF" in tokens[start].tags:
        ev = _event_word(tokens[start], lx)
        if ev is not None and ev.event != "incidents":
            # "15 пострадавших", "7 убитых": a participle standing for the people (its lemma
            # in Russian is the verb)
            return _Head("eventhead", tokens[start].text, "unknown", ev.event, k)
    if k < len(tokens) and k - start <= 2:
        t = tokens[k]
        if t.text[0].isalpha() and "NOUN" in t.tags and "anim" not in t.tags:
            if _event_word(t, lx) is None and not t.lemmas & lx.captivity:
                return _Head("thing", None, "unknown", None, k)
    return _Head("bare", None, "unknown", None, start)


def _category(t: _Token, lx: Lexicon) -> str:
    cats = [lx.persons[x] for x in t.lemmas if x in lx.persons]
    for c in ("pow", "civilian", "combatant"):
        if c in cats:
            return c
    return "unknown"


def _of_phrase(tokens: list[_Token], k: int, lx: Lexicon) -> tuple[str | None, str, int]:
    """The people an event noun is about: "проваджень щодо страт військовополонених"."""
    for j in range(k, min(len(tokens), k + 7)):
        if tokens[j].value is not None or tokens[j].text in _PUNCT_STOPS:
            break
        if tokens[j].lemmas & lx.persons.keys():
            first = j
            while first > k and "ADJF" in tokens[first - 1].tags:
                first -= 1
            end = j + 1
            while end < len(tokens) and tokens[end].lemmas & lx.persons.keys():
                end += 1
            phrase = tokens[first:end]
            category = _category(phrase[-1], lx)
            if any(x.lemmas & lx.civilian_modifiers for x in phrase):
                category = "civilian"
            return " ".join(x.text for x in phrase), category, end
    return None, "unknown", k


def _event_word(t: _Token, lx: Lexicon) -> EventWord | None:
    for form in sorted(t.lemmas):
        if form in lx.events:
            return lx.events[form]
    return None


def _event_at(tokens: list[_Token], k: int, lx: Lexicon) -> EventWord | None:
    """The harm event token k names, reading multi-word phrases ("взяли в полон") whole."""
    t = tokens[k]
    window = tokens[max(0, k - 3) : k + 4]
    if t.lemmas & lx.captivity:
        if any(x.lemmas & lx.surrender_verbs for x in window):
            return EventWord("surrendered", "verb")
        if any(x.lemmas & lx.capture_verbs for x in window):
            return EventWord("captured", "verb")
        return None
    if t.lemmas & lx.surrender_verbs:
        return EventWord("surrendered", "verb")
    if t.lemmas & lx.capture_verbs:
        if any(x.lemmas & lx.captivity for x in window):
            return EventWord("captured", "verb")
        return None
    if t.lemmas & lx.missing_words:
        if lx.missing_marker.search(" ".join(x.low for x in window)):
            return EventWord("missing", "verb")
        return None
    ev = _event_word(t, lx)
    if ev is not None and ev.event == "incidents":
        return None  # only a counted proceeding ("86 проваджень") is an incident claim
    return ev


def _event_before(tokens: list[_Token], i: int, head: _Head, lx: Lexicon) -> tuple[str, int] | None:
    j = i - 1
    distance = 0
    linked = False
    while j >= 0 and i - j <= 12:
        t = tokens[j]
        if t.value is not None or t.text in _PUNCT_STOPS or t.low in lx.conjunctions:
            return None
        ev = _event_at(tokens, j, lx)
        if ev is not None:
            if ev.needs_person and head.kind not in {"person"}:
                return None
            return ev.event, 0 if linked and ev.role == "noun" else distance
        if t.lemmas & lx.linking_verbs and not linked:
            linked = True  # "втрати ... склали 1 020": look back past the verb for the noun
        elif not _is_qualifier(t, lx) and t.low not in lx.skip_before and t.low not in {"в", "у"}:
            distance += 1
        if distance > 3 and not linked:
            return None
        j -= 1
    return None


def _is_qualifier(t: _Token, lx: Lexicon) -> bool:
    return any(rx.search(t.low) for rx, _ in lx.qualifiers_before) or t.low in {
        "не", "ніж", "чем", "як", "по", "меньшей", "мере", "крайней",
    }  # fmt: skip


def _event_after(tokens: list[_Token], k: int, head: _Head, lx: Lexicon) -> tuple[str, int] | None:
    """The event after the counted phrase; "perpetrator" when the counted people did the harm."""
    steps = 0
    j = k
    if j < len(tokens) and tokens[j].text == ",":
        if j + 1 < len(tokens) and tokens[j + 1].lemmas & lx.perpetrator_cues:
            return "perpetrator", 0  # "11 військових, причетних до розстрілу"
        if j + 1 < len(tokens) and tokens[j + 1].lemmas & lx.relative_pronouns:
            j += 2  # "90 військовополонених, які загинули в полоні"
    while j < len(tokens) and steps < 6:
        t = tokens[j]
        if t.value is not None or t.text in _PUNCT_STOPS or t.low in lx.conjunctions:
            return None
        if t.lemmas & lx.perpetrator_cues:
            return "perpetrator", steps
        ev = _event_at(tokens, j, lx)
        if ev is not None:
            if ev.needs_person and head.kind != "person":
                return None
            if (
                ev.role == "verb"
                and head.kind == "person"
                and "VERB" in t.tags
                and ev.event in {"killed", "executed", "captured", "injured"}
                and _object_follows(tokens, j + 1, lx)
            ):
                return "perpetrator", steps  # an active verb with its own object after it
            return ev.event, steps
        if t.low not in lx.skip_before:
            steps += 1
        j += 1
    return None


def _object_follows(tokens: list[_Token], j: int, lx: Lexicon) -> bool:
    """Whether the people harmed are named after the verb ("розстріляли двох полонених")."""
    while j < len(tokens) and (
        tokens[j].low in {"в", "у", "во"} or tokens[j].lemmas & lx.captivity
    ):
        j += 1
    if j >= len(tokens):
        return False
    t = tokens[j]
    if t.value is not None:
        return True
    for x in tokens[j : j + 4]:
        if x.lemmas & lx.persons.keys():
            return True
        if not ("ADJF" in x.tags or "PRTF" in x.tags):
            return False
    return False


# --- attribution -------------------------------------------------------------------------------

_TRAILING_DASH = re.compile(r"\s[—–]\s*(?P<who>[^\W\d_][^.!?—–]{0,80}?)\s*\.?$")
_HEADLINE = re.compile(r"^(?P<who>[^\s:]+(?:\s+[^\s:]+){0,3})\s*:\s+\S")


def _claimant(text: str, tokens: list[_Token], lx: Lexicon, ctx: _Context) -> str | None:
    """Who asserts what the sentence says, or None when it names no one."""
    if lx.pronoun_source.search(text):
        return ctx.last_claimant
    who = about_this(text, lx)
    if who:
        return who
    m = lx.source_phrase.search(text)
    if m and (who := _clean(m.group("who"), lx)):
        return who
    who = _trailing_verb(text, lx)
    if who:
        return who
    m = _TRAILING_DASH.search(text)
    if m and len(m.group("who").split()) <= 6 and m.group("who")[:1].isupper():
        if not _has_number(m.group("who")):
            return m.group("who").strip()
    who = _leading_subject(text, tokens, lx, ctx)
    if who:
        return who
    m = _HEADLINE.match(text)
    if (
        m
        and all(w[:1].isupper() for w in m.group("who").split())
        and not _has_number(text[m.end("who") : m.end("who") + 4])
        and not any(_event_word(t, lx) for t in tokens if t.start < m.end("who"))
    ):
        return m.group("who")
    return None


def about_this(text: str, lx: Lexicon) -> str | None:
    """ "Про це повідомив X." / "Об этом сообщили в X.": the source of the sentences before."""
    m = lx.about_this.match(text.strip())
    if not m:
        return None
    words = text.strip()[m.end() :].split()
    if not words:
        return None
    verb = words[0].lower().translate(_APOSTROPHES)
    if not lemmas(lx.lang, verb)[0] & lx.attribution_verbs:
        return None
    return _clean(" ".join(words[1:]), lx)


def signature(text: str, lx: Lexicon) -> str | None:
    """A channel's or official's signature closing a post ("Олег Синєгубов, начальник ОВА")."""
    line = text.strip()
    words = line.rstrip(".").split()
    if not words or len(words) > 8 or line.endswith(("!", "?", ":")) or _has_number(line):
        return None
    if not words[0][:1].isupper():
        return None
    tags = [lemmas(lx.lang, w.strip(",.").lower().translate(_APOSTROPHES))[1] for w in words]
    if any(t & {"VERB", "INFN", "PRTS", "ADVB", "PRED"} for t in tags):
        return None
    if not any(t & {"Name", "Surn", "Abbr", "Orgn"} for t in tags) and not any(
        w.isupper() and len(w) >= 2 for w in words
    ):
        return None
    return line.rstrip(".")


def _trailing_verb(text: str, lx: Lexicon) -> str | None:
    """ "..., повідомив начальник Херсонської ОВА Олександр Прокудін." """
    clauses = re.split(r",|\s[—–]\s", text.rstrip(" .!?"))
    if len(clauses) < 2:
        return None
    words = clauses[-1].split()
    if words and words[0].lower() in {"як", "как"}:
        words = words[1:]
    if len(words) < 2:
        return None
    first = words[0].lower().translate(_APOSTROPHES)
    if not lemmas(lx.lang, first)[0] & lx.attribution_verbs:
        return None
    return _clean(" ".join(words[1:]), lx)


def _leading_subject(text: str, tokens: list[_Token], lx: Lexicon, ctx: _Context) -> str | None:
    verbs = lx.attribution_verbs | lx.counting_verbs
    for t in tokens:
        if t.lemmas & verbs and "VERB" in t.tags:
            head = text[: t.start]
            subject = re.split(r"[,;:«»\"“”(]|\s[—–‒-]\s", head)[-1].strip()
            if not subject or _has_number(subject):
                return None  # "12 людей загинули, повідомили ..." names no one before the verb
            if lx.about_this.match(subject):
                return None
            if subject.lower() in {"він", "вона", "вони", "он", "она", "они"}:
                return ctx.last_claimant
            who = _clean(subject, lx)
            if who and len(who.split()) <= 12 and who.lower() not in lx.not_claimants:
                return who
            return None
    return None


def _clean(who: str, lx: Lexicon) -> str | None:
    who = who.strip().strip(" .\"'“”")
    who = lx.claimant_lead.sub("", who).strip()
    who = lx.claimant_tail.sub("", who).strip()
    if not who or _has_number(who) or who.lower() in lx.not_claimants:
        return None
    return who


def _has_number(s: str) -> bool:
    """A count in a phrase; an ordinal unit name ("47-ї бригади", "155-й бригады") is none."""
    return bool(re.search(r"\d(?![\d\s]*-[^\W\d_])", s))


# --- periods and datelines ---------------------------------------------------------------------


def _month_of(word: str, lx: Lexicon) -> int | None:
    forms = lemmas(lx.lang, word.lower().translate(_APOSTROPHES))[0]
    for n, name in enumerate(_MONTH_ORDER[lx.lang], 1):
        if name in forms:
            return n
    return None


_DAY_MONTH_YEAR = re.compile(r"\b(?P<d>\d{1,2})\s+(?P<m>[^\W\d_]+)\s+(?P<y>\d{4})")
_NUMERIC_DATE = re.compile(
    r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
)
_MONTH_YEAR = re.compile(r"\b(?:у|в|во)\s+(?P<m>[^\W\d_]+)\s+(?P<y>\d{4})")


def _day(m: re.Match[str], lx: Lexicon) -> date | None:
    if m.re is _NUMERIC_DATE:
        try:
            if m.group("iso"):
                return date.fromisoformat(m.group("iso"))
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
    month = _month_of(m.group("m"), lx)
    if month is None:
        return None
    try:
        return date(int(m.group("y")), month, int(m.group("d")))
    except ValueError:
        return None


# "КИЇВ, 14 березня 2024 — ": a dateline opening the first paragraph dates the report, not a claim
_WIRE_DATELINE = re.compile(
    r"^[^\W\d_][^\W\d_ -]*(?:\s+[^\W\d_]+){0,2},\s*\d{1,2}\s+[^\W\d_]+\s+\d{4}"
    r"(?:\s*(?:р\.|року|г\.|года))?\s*(?:\([^)]{0,30}\)\s*)?[—–-]\s*"
)


def find_slavic_dateline(text: str, lx: Lexicon, lines: int = 8) -> date | None:
    """A date on a line of its own near the top ("14 березня 2024, 10:30", "14.03.2024"), or
    opening the first paragraph ("КИЇВ, 14 березня 2024 —")."""
    seen = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        seen += 1
        if seen > lines:
            break
        head = re.sub(r"^[^\W\d_][^\W\d_ -]*(?:\s+[^\W\d_]+){0,2},\s*", "", line)
        for rx in (_DAY_MONTH_YEAR, _NUMERIC_DATE):
            m = rx.match(head)
            if m and (d := _day(m, lx)) is not None:
                rest = head[m.end() :]
                if re.fullmatch(r"(?:\s*(?:р\.|року|г\.|года))?[,\s]*(?:\d{1,2}:\d{2})?\W*", rest):
                    return d
                if line is not head and re.match(r"\s*(?:р\.|року|г\.|года)?\s*[—–-]", rest):
                    return d
    return None


_ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_KIND_TO_ENGLISH = {
    "yesterday": "yesterday",
    "today": "today",
    "overnight": "overnight",
    "day": "the past day",
    "last week": "last week",
    "past week": "the past week",
    "last month": "last month",
    "past month": "the past month",
    "last year": "last year",
    "this week": "this week",
}


def find_slavic_period(text: str, lx: Lexicon, reference: date | None) -> Period | None:
    """The period a sentence's claims cover, anchored on `reference` as the English reader does."""
    m = lx.since_invasion.search(text)
    if m:
        return Period(m.group(0), INVASION, reference)
    m2 = _DAY_MONTH_YEAR.search(text) or _NUMERIC_DATE.search(text)
    if m2 and (d := _day(m2, lx)) is not None:
        return Period(m2.group(0), d, d)
    m3 = _MONTH_YEAR.search(text)
    if m3 and (month := _month_of(m3.group("m"), lx)) is not None:
        y = int(m3.group("y"))
        return Period(
            m3.group(0), date(y, month, 1), date(y, month, calendar.monthrange(y, month)[1])
        )
    for rx, kind in lx.relative_periods:
        r = rx.search(text)
        if not r:
            continue
        if kind == "weekday":
            word = r.group(0).split()[-1].lower().translate(_APOSTROPHES)
            n = lx.weekdays.get(word)
            if n is None:
                continue
            start, end = _relative(_ENGLISH_WEEKDAYS[n], reference)
        else:
            start, end = _relative(_KIND_TO_ENGLISH[kind], reference)
        return Period(r.group(0), start, end)
    return None
