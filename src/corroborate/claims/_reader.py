"""Reading numeric harm claims from English report text with table-driven rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from corroborate.claims import _lexicon as lx
from corroborate.claims._language import detect_language
from corroborate.claims._numbers import NumberMention, find_numbers
from corroborate.claims._periods import SAME_PERIOD, Period, find_dateline, find_period
from corroborate.claims._places import find_place, resolve_place
from corroborate.claims._sentences import Sentence, split_sentences
from corroborate.claims._slavic import extract_slavic_claims
from corroborate.core import (
    CLAIM_EVENTS,
    CLAIM_QUALIFIERS,
    CLAIM_VICTIM_CATEGORIES,
    Claim,
    known_word,
)

# A date written with dots or slashes ("24.02.22") is one word, not a sentence's end.
_TOKEN = re.compile(r"\d{1,4}(?:[./]\d{1,4})+\b|\w+(?:['’]\w+)*(?:-\w+)*|[^\w\s]")


@dataclass
class _Token:
    text: str
    low: str
    start: int
    end: int
    number: NumberMention | None = None


@dataclass
class _Draft:
    """A claim being assembled; turned into a frozen Claim once every part is known."""

    number: NumberMention
    index: int
    count: int
    count_high: int | None
    qualifier: str
    event: str | None
    victims: str | None
    victim_category: str
    head_kind: str  # person, event, bare
    inclusion: bool
    anaphoric: bool
    end_index: int
    increments: list[NumberMention] = field(default_factory=list)
    leans: bool = False  # says only who or where; the event is the one named before it
    restates: bool = False  # "put the figure at 25": the toll before it, with another count
    part: bool = False  # "Three of them were children": a part of people counted before
    passive_subject: bool = False  # "43 had been killed": a bare count that underwent harm
    # "attacked Russian servicemen who ..., killing 17 of them": the people "them" names, earlier
    # in the same sentence
    people_before: tuple[str, str] | None = None


def extract_claims(
    text: str, *, reference_date: date | None = None, resolve_places: bool = True
) -> list[Claim]:
    """Every numeric harm claim in `text`, in reading order, with who asserts it and about what.

    Numbers that are not harm claims (ages, units, years, dates, money, distances, drones,
    percentages, call signs) are left out. A sentence that refers back ("Of those, 109 were
    killed", "He said 30 of them were wounded") inherits victims and claimant from before it.
    A dateline at the top of the report ("KYIV, March 14, 2024 (Reuters) -") resolves relative
    periods ("on Wednesday", "last month"); `reference_date` (when the report was read) stands in
    when there is none, and gives a year to one printed without ("KYIV, March 14 -").
    """
    lang = detect_language(text)
    if lang != "en":  # Ukrainian and Russian have their own reader; other languages none
        if lang is None:
            return []
        return extract_slavic_claims(
            text, lang, reference_date=reference_date, resolve_places=resolve_places
        )
    reference = reference_date or find_dateline(text)
    if reference_date is not None and (wire_day := find_dateline(text, known=reference_date)):
        reference = wire_day if wire_day <= reference_date else reference_date
    context = _Context()
    claims: list[Claim] = []
    unattributed: list[int] = []  # claims of this paragraph whose sentence names no claimant
    quoted: list[int] = []  # claims inside a quotation still open, whose speaker comes later
    quote_open = False  # a quotation opened in an earlier sentence and not yet closed
    end_of_last = 0
    list_source: str | None = None  # who a heading ending in ":" names for the list under it
    heading: str | None = None  # a heading ending in ":" over label lines ("tanks — 10,947")
    for sentence in split_sentences(text):
        item = bool(lx.LIST_ITEM.match(sentence.text))
        if not item and "\n" in text[end_of_last : sentence.start]:
            list_source = None
        broke = "\n" in text[end_of_last : sentence.start]
        under = heading is not None and broke and bool(lx.LABEL_LINE.match(sentence.text))
        if not under and (broke or not sentence.text.rstrip().endswith(":")):
            heading = None
        pointer = source_pointer(sentence.text)
        if pointer is not None:
            # "This is according to X.", "— X, head of Y": X is the source of the figures just
            # before it (a signature or a pointer on a new line reaches back over the break).
            for k in unattributed:
                claims[k] = replace(claims[k], claimant=pointer)
            unattributed = []
        reopened = False
        if "\n" in text[end_of_last : sentence.start]:
            context.statement = None  # a new line or paragraph ends a continued statement
            context.people_here = False
            context.day = None
            unattributed = []
            reopened = quote_open and sentence.text.lstrip().startswith(("“", '"'))
            if not reopened:
                # A quotation running on into a paragraph that reopens it (no closing mark at
                # the first's end) is the same speaker's, named where it finally closes.
                quoted = []
                quote_open = False
        end_of_last = sentence.start + len(sentence.text)
        if quoted and (speaker := _after_quote(sentence.text, context.last_claimant, True)):
            # '"We lost 11 men. Another 30 were wounded," the commander said.': the speaker
            # named where a quotation closes said all of it.
            for k in quoted:
                claims[k] = replace(claims[k], claimant=speaker)
            quoted = []
        if under and heading is not None:
            # "The total combat losses ... were approximately:\npersonnel — about 1,003,240":
            # a label line is read with the heading it completes, as if on one line.
            lead = f"{heading} "
            joined = Sentence(lead + sentence.text, sentence.start - len(lead), sentence.paragraph)
            read = _read_sentence(joined, context, reference, quote_open)
            read = [replace(c, sentence=sentence.text) for c in read]
        else:
            read = _read_sentence(sentence, context, reference, quote_open)
        own = _claimant(sentence.text, None, quote_open)
        if item and list_source is not None and own is None:
            # "Consequences, according to the city administration:\n- 3 people killed"
            read = [c if c.claimant else replace(c, claimant=list_source) for c in read]
        elif not read and sentence.text.rstrip().endswith(":"):
            # "..., according to the city administration:" or an office's name alone above
            # the list ("Ministry of Health of Ukraine:").
            label = re.split(r"\s[—–-]\s|:", sentence.text.strip().rstrip(":"))[0]
            office = lx.ORG_SIGNATURE.match(label.strip())  # "X Office — after the strike:"
            list_source = own or (office.group("who") if office else None)
            heading = None if under else sentence.text.strip()
        if not read and own and unattributed and _closing_attribution(sentence.text):
            # "... lost up to 385 servicemen. Air defence shot down 54 drones, the ministry
            # reported.": the bulletin's closing attribution covers its tallies before.
            for k in unattributed:
                claims[k] = replace(claims[k], claimant=own)
            unattributed = []
        if _opens_quotation(sentence.text):
            quote_open = True
        elif quote_open and _closes_quotation(sentence.text):
            quote_open = False
        if read and own is None:
            # "One person was killed. 4 more were wounded. — Name, head of X": a pointer or a
            # signature covers every unattributed sentence before it in the paragraph.
            unattributed += [len(claims) + n for n in range(len(read))]
        elif read:
            unattributed = []
        if _opens_quotation(sentence.text):
            earlier = quoted if reopened else []
            quoted = earlier + [len(claims) + n for n in range(len(read))] if own is None else []
        elif quote_open and own is None and not _closes_quotation(sentence.text):
            quoted += [len(claims) + n for n in range(len(read))]
        else:
            quoted = []
        claims.extend(read)
    if (signer := _closing_signature(text)) is not None:
        # "... 2 persons were injured. ...\n\nInformation is being clarified.\n\n— Kharkiv
        # Regional Military Administration": a post's signature signs the whole post.
        claims = [c if c.claimant else replace(c, claimant=signer) for c in claims]
    if (issuer := _statement_issuer(text)) is not None:
        # A statement's figures that no sentence attributes are its issuer's.
        claims = [c if c.claimant else replace(c, claimant=issuer) for c in claims]
    if resolve_places:
        claims = [
            replace(c, place_resolved=resolve_place(c.place, c.sentence)) if c.place else c
            for c in claims
        ]
    return claims


def _closing_signature(text: str) -> str | None:
    """Who signs a post on its last line ("— Kharkiv Regional Military Administration", or the
    office's name alone), a line of its own; a news outlet's byline ("— Reuters") signs none."""
    body, sep, last = text.rstrip().rpartition("\n")
    if not sep or not body.strip():
        return None
    last = last.strip()
    if re.match(r"[—–-]\s*[A-Z]", last):
        # "— Serhiy, an infantryman of the 59th Brigade, in testimony recorded by ... He asked
        # that his surname not be published.": the signer with the role, up to what is said
        # about the testimony
        last = last[: cut.start()] if (cut := re.search(r"[.!?]\s", last)) else last
        last = "— " + trim_claimant(last.lstrip("—–- "))
    m = (
        lx.SIGNATURE.match(last)
        or lx.ORG_SIGNATURE.match(last)
        or lx.NAME_ROLE_SIGNATURE.match(last)  # "Oleh Syniehubov, head of Kharkiv RMA"
        or lx.BARE_SIGNATURE.match(last)
        or lx.UNIT_SIGNATURE.search(last)  # "Glory to Ukraine! | 93rd Brigade Kholodnyi Yar"
    )
    if m is None or find_numbers(re.sub(lx.ORDINAL_IN_NAME, "", last)):
        return None
    who = trim_claimant(m.group("who")).rstrip(".")
    if not _good_claimant(who) or lx.NEWS_OUTLET.search(who):
        return None
    return who


def _statement_issuer(text: str) -> str | None:
    """Who issued a text whose title line says so ("Statement of the Ministry of ... on ..."),
    or whose first line is only an office's name, as a release or a channel's post heads it."""
    m = lx.STATEMENT_TITLE.match(text)
    if m is None:
        first, newline, _ = text.strip().partition("\n")
        m = lx.ORG_SIGNATURE.match(first.strip()) if newline else None
        m = m or (lx.BRIEFING_TITLE.match(first.strip()) if newline else None)
        m = m or (lx.PUBLISHER_HEADING.match(first.strip()) if newline else None)
        # "The General Staff of the Armed Forces of Ukraine informs" alone over the figures
        m = m or (lx.TOLD_ABOUT_IT.match(first.strip()) if newline else None)
        if m is None:
            return None
    who = trim_claimant(m.group("who"))
    # a title's formal name may run long: "the Official Representative of the Ministry of
    # Foreign Affairs of the Russian Federation M.V. Zakharova"
    good = _good_claimant(who) or (
        len(who.split()) <= 20 and _good_claimant(" ".join(who.split()[:12]))
    )
    return who if good and not find_numbers(who) else None


@dataclass
class _Context:
    """What earlier sentences leave for later ones to refer back to."""

    previous: Claim | None = None  # the last claim read
    last_claimant: str | None = None  # the last claimant named, for "he", "it", "they"
    statement: str | None = None  # whose statement this line continues
    people: tuple[str | None, str] | None = None  # the last counted people, for "of them"
    people_here: bool = False  # whether those people were counted in this paragraph
    statement_quoted: bool = False  # whether that statement was a quotation, now closed
    day: Period | None = None  # the day an earlier sentence of this paragraph narrates


def _tokenize(sentence: str, numbers: list[NumberMention]) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    bounds: list[tuple[int, int, NumberMention | None]] = []
    for n in numbers:
        for m in _TOKEN.finditer(sentence, pos, n.start):
            bounds.append((m.start(), m.end(), None))
        bounds.append((n.start, n.end, n))
        pos = n.end
    for m in _TOKEN.finditer(sentence, pos):
        bounds.append((m.start(), m.end(), None))
    for start, end, num in bounds:
        for a, b in _unglue(sentence, start, end) if num is None else [(start, end)]:
            word = sentence[a:b]
            if _quoted_figure_close(sentence, tokens, word, b):
                continue  # 'wrote that "at least 2,000" Russian troops': the figure quoted
            tokens.append(_Token(word, word.lower().replace("’", "'"), a, b, num))
    return _merge_phrases(sentence, tokens)


def _quoted_figure_close(sentence: str, tokens: list[_Token], word: str, end: int) -> bool:
    """Whether a closing quotation mark closes only a quoted figure before its people."""
    if word not in {'"', "”", "'", "’"} or not tokens or tokens[-1].number is None:
        return False
    opened = max(sentence.rfind(q, 0, tokens[-1].start) for q in ('"', "“", "'", "‘"))
    return (
        opened >= 0
        and len(sentence[opened + 1 : tokens[-1].start].split()) <= 3
        and bool(re.match(r"\s+[A-Za-z]", sentence[end:]))
    )


_CAMEL_GLUE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])")


def _unglue(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split words a missing space glued together ("isVadim", "soldiersin") into their parts."""
    word = sentence[start:end]
    if not word.isalpha():
        return [(start, end)]
    m = _CAMEL_GLUE.search(word)
    if m and word[: m.start()].islower():
        return [(start, start + m.start()), (start + m.start(), end)]
    low = word.lower()
    if low not in lx.VICTIM_NOUNS and (g := lx.WORD_GLUE.match(low)):
        if g.group("head") in lx.VICTIM_NOUNS or g.group("head") in lx.THING_NOUNS:
            cut = start + g.end("head")
            return [(start, cut), (cut, end)]
    return [(start, end)]


def _merge_phrases(sentence: str, tokens: list[_Token]) -> list[_Token]:
    """Join multi-word event phrases ("shot dead", "taken prisoner") into one token."""
    for m in lx.EVENT_PHRASES.finditer(sentence):
        inside = [i for i, t in enumerate(tokens) if m.start() <= t.start and t.end <= m.end()]
        if len(inside) > 1 and all(tokens[i].number is None for i in inside):
            first, last = inside[0], inside[-1]
            merged = sentence[tokens[first].start : tokens[last].end]
            tokens[first : last + 1] = [
                _Token(merged, merged.lower(), tokens[first].start, tokens[last].end)
            ]
    return tokens


def _event_of(word: str) -> tuple[str, str, int, bool] | None:
    for rx, event, role, reach, person in lx.EVENT_RES:
        if rx.match(word):
            return event, role, reach, person
    return None


def _read_sentence(
    sentence: Sentence, ctx: _Context, reference: date | None, quote_open: bool = False
) -> list[Claim]:
    text = sentence.text
    numbers = find_numbers(text)
    attribution = _claimant(text, ctx.last_claimant, quote_open)
    prior_statement = ctx.statement  # before this sentence's own claimant continues it
    if lx.TOPIC_SHIFT.match(text):
        ctx.statement = None  # "Separately, a strike on Sumy killed three": a new item
    if attribution:
        ctx.last_claimant = _fuller_mention(attribution, ctx.last_claimant)
        # "Serhiy found his brother's body.", "The minister posted a photo.": a deed, not a
        # statement that the next sentence's figures continue.
        ctx.statement = None if lx.NOT_A_STATEMENT.search(text) and not numbers else attribution
        # '"We will rebuild," the mayor said. The strike killed 12.': the quotation marks
        # close what the speaker said; only a quotation that resumes is still the speaker's.
        ctx.statement_quoted = _after_quote(text, ctx.last_claimant, quote_open) is not None
    elif (person := _person_subject(text)) is not None:
        ctx.last_claimant = person  # whom a later "she said" stands for; not a claimant yet
    # the sentence's own period, read once: for its claims, and as the day it narrates
    narrated = find_period(text, reference) if numbers or re.search(r"day\b", text) else None
    if narrated is not None and narrated.date_from and narrated.date_from == narrated.date_to:
        # "On 7 October 2025 at about 10:40, the Russian forces struck Kramatorsk. As a result
        # of the attack, 3 civilians were killed": the day narrated dates what follows it
        ctx.day = narrated
    if not numbers:
        return []
    tokens = _tokenize(text, numbers)
    # A list's line ("- 14 injured") leans on the lines before it for its people and event, but
    # not for a claimant: a new line ends a statement ("— In Zaporizhzhia, 5 were injured").
    refers_back = bool(lx.ANAPHORA.search(text))
    anaphoric = refers_back or bool(lx.LIST_ITEM.match(text))
    drafts: list[_Draft] = []
    consumed: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.number is None or i in consumed:
            continue
        draft = _read_number(text, tokens, i, consumed)
        if draft is not None:
            drafts.append(draft)
            for inc in draft.increments:
                drafts.append(
                    replace(draft, number=inc, count=inc.value, count_high=None, qualifier="exact")
                )
    if not drafts:
        return []
    second = _contrasted_claimant(text, attribution)
    if second is not None:
        # "Kommersant, quoting an official, wrote that 11 ...; RBC, citing the governor, put
        # the toll at 13": the first clause's figures are its own source's; "Five people were
        # killed, while the governor said 12 were injured": the five are not the governor's.
        attribution = _claimant(text[: second[0]], ctx.last_claimant, quote_open)
    previous = ctx.previous
    _fill_from_neighbours(drafts, ctx, anaphoric)
    period = narrated
    if period is None and ctx.day is not None:
        period = ctx.day
    same = SAME_PERIOD.search(text)
    if same and previous is not None and previous.date_from is not None:
        # "In the same period, the Mission recorded the deaths of seven ...": the dates before
        period = Period(same.group(0), previous.date_from, previous.date_to)
    place = find_place(text, exclude=attribution)
    claims: list[Claim] = []
    for d in drafts:
        if not d.inclusion and not d.part and (d.victims or d.event):
            ctx.people, ctx.people_here = (d.victims, d.victim_category), True
        if d.event is None:
            continue
        claimant = attribution
        if second is not None and d.number.start >= second[0]:
            claimant = second[1]  # "The police said 5 ..., while the governor put it at seven"
        victims, category = d.victims, d.victim_category
        if victims and victims.lower().startswith("own "):
            victims = victims[4:]  # "lost 98 of its own staff": the staff
        if claimant is None and (refers_back or d.anaphoric) and previous is not None:
            claimant = previous.claimant
        if claimant is None and not (
            ctx.statement_quoted and not quote_open and not text.lstrip().startswith(("“", '"'))
        ):
            # a clause before a second claimant's continues only what was said before it
            before_second = second is not None and d.number.start < second[0]
            claimant = prior_statement if before_second else ctx.statement
        if claimant is not None and _narrated_aside(text, d.number.start):
            claimant = None  # "Olena, whose husband was among the 14 killed, said she ..."
        if claimant is not None and lx.BACKGROUND_AFTER_SPEAKER.search(text[: d.number.start]):
            claimant = None  # "..., the governor said, a day after 5 people died in ..."
        if claimant is not None and lx.UNSOURCED_REPORTS.search(text[: d.number.start]):
            claimant = None  # "... said the UN was appalled by reports that 50 civilians ..."
        category = _settle_category(victims, category, d.event, text)
        if d.event == "killed" and _an_execution(victims, category, text, d.number.start):
            d.event, category = "executed", "pow"  # "12 POWs were shot dead after surrendering"
        if (
            victims
            and victims.lower() in lx.OUR_PEOPLE
            and (category == "unknown" or victims.lower() == "boys")
            and claimant
            and lx.MILITARY_SPEAKER.search(claimant)
            and (
                re.search(rf"\b(?:our|my)\s+{re.escape(victims)}\b", text, re.I)
                or re.search(
                    rf"\b(?:lost|buried)\s+(?:\S+\s+){{0,3}}{re.escape(victims)}\b", text, re.I
                )
            )
        ):
            # "We lost 14 of our men," the battalion commander said: a unit's own fighters;
            # the men a commander's unit lost or buried are its fighters too.
            category = "pow" if d.event in lx.POW_EVENTS else "combatant"
        if (
            category == "unknown"
            and (victims is None or victims.lower() in lx.PLAIN_PEOPLE)
            and lx.FORCES_SUFFERED.search(text)
        ):  # "the enemy lost up to 60 people killed and wounded": its fighters
            category = "combatant"
        if victims is None and category == "unknown" and lx.CIVILIAN_TOLL.search(text):
            category = "civilian"
        last_tok = tokens[min(d.end_index, len(tokens) - 1)]
        if not d.inclusion and not d.part:  # "20 more" after "3 of them were children": people
            ctx.people, ctx.people_here = (victims, category), True
        claims.append(
            Claim(
                count=d.count,
                count_high=d.count_high,
                qualifier=known_word(d.qualifier, CLAIM_QUALIFIERS, "claim qualifier"),
                event=known_word(d.event, CLAIM_EVENTS, "claim event"),
                victims=victims,
                victim_category=known_word(category, CLAIM_VICTIM_CATEGORIES, "victim category"),
                claimant=claimant,
                period=period.words if period else None,
                date_from=period.date_from if period else None,
                date_to=period.date_to if period else None,
                place=place,
                place_resolved=None,
                sentence=text,
                char_start=sentence.start + d.number.start,
                char_end=sentence.start + max(last_tok.end, d.number.end),
            )
        )
    if claims:
        ctx.previous = claims[-1]
    return claims


def _closing_attribution(text: str) -> bool:
    """Whether a sentence without claims tallies other things (a number) and ends with who said
    so ("..., the ministry reported."), as a bulletin's last line does."""
    if not find_numbers(text):
        return False
    if lx.TRAILING_SAID.search(text):
        return True
    # "The shop's owner, Halyna Rudenko, said she had counted 12 people ...": the words after
    # "said" are what she said, not a closing speaker; she says nothing of the figures before.
    m = lx.INVERTED_AT_END.search(text)
    if m is None:
        return False
    return not _states_content(m["who"]) and not _apposed_subject(text[: m.start()])


def _narrated_aside(text: str, pos: int) -> bool:
    """Whether the figure at `pos` lies in a relative clause set off by commas about the
    speaker, before the speaker's verb of saying: the writer tells it, the speaker does not."""
    for m in lx.RELATIVE_ASIDE.finditer(text):
        if m.start() < pos < m.end():
            inner = text[m.start() : m.end()]
            return not lx.ATTRIBUTION_VERB.search(inner) and bool(
                lx.SAYING_NEXT.match(text[m.end() :])
            )
    return False


def _fill_from_neighbours(drafts: list[_Draft], ctx: _Context, anaphoric: bool) -> None:
    """Elliptical and included counts take what they leave unsaid from the phrase they lean on."""
    previous = ctx.previous
    for k, d in enumerate(drafts):
        before = next((x for x in reversed(drafts[:k]) if x.event and not x.inclusion), None)
        if d.restates and d.event is None:
            # "..., while a press officer put the figure at 25": the same toll, restated.
            source = before or previous
            if source is not None:
                d.event, d.victims, d.victim_category = (
                    source.event,
                    source.victims,
                    source.victim_category,
                )
        if d.inclusion and d.event is None:
            after = next((x for x in drafts[k + 1 :] if x.event and not x.inclusion), None)
            lean = before or after
            if lean is not None:
                d.event = lean.event
            elif previous is not None and anaphoric:
                d.event = previous.event
        if d.victims is None and d.head_kind == "bare" and d.event is not None:
            # "returned 90 servicemen, 12 of whom were wounded": the nearest people named
            near = next(
                (x for x in reversed(drafts[:k]) if not x.inclusion and (x.event or x.victims)),
                None,
            )
            if near is not None:
                d.victims, d.victim_category = near.victims, near.victim_category
            elif d.people_before is not None and not ctx.people_here:
                d.victims, d.victim_category = d.people_before
            elif ctx.people is not None and (
                anaphoric or d.anaphoric or (d.passive_subject and ctx.people_here)
            ):
                # "By the time they withdrew, 43 had been killed": the people counted before
                d.victims, d.victim_category = ctx.people
        if d.leans and d.event is None and before is not None:
            d.event = before.event
            if d.victims is None:
                d.victims, d.victim_category = before.victims, before.victim_category
        if d.victims and d.victims.lower() == "others" and before is not None:
            d.victim_category = before.victim_category
        if d.event is None and (anaphoric or d.anaphoric) and previous is not None:
            if d.head_kind == "person":
                d.event = previous.event


def _an_execution(victims: str | None, category: str, text: str, at: int) -> bool:
    """A killing of people held or hors de combat is an execution, whatever the verb.

    The sign must belong to the people counted (their noun, or their clause after the number),
    not to the sentence: "We killed 60 soldiers and took three prisoner" is combat.
    """
    if category not in {"pow", "combatant", "unknown"} or lx.NOT_AN_EXECUTION.search(text):
        return False
    if victims and lx.HELD_VICTIMS.search(victims) or lx.HORS_DE_COMBAT_AFTER.search(text[at:]):
        return True
    # "attacked servicemen who were trying to surrender, killing 17 of them": the people the
    # number leans on, in their own clause before it
    before = text.rfind(victims, 0, at) if victims else -1
    return before >= 0 and bool(lx.HORS_DE_COMBAT_AFTER.search(text[before:at]))


def _settle_category(victims: str | None, category: str, event: str, text: str) -> str:
    """Combatants who were captured, surrendered, or held are counted as prisoners of war.

    People of a military unit ("60 men from his battalion") are combatants.
    """
    if (
        category == "unknown"
        and victims
        and lx.OF_A_UNIT.search(
            text[text.find(victims) + len(victims) :][:60] if victims in text else ""
        )
    ):
        category = "combatant"
    if victims:
        low = victims.lower().split()
        for word in low:
            if word in lx.CATEGORY_MODIFIERS and not (word == "military" and category != "unknown"):
                return lx.CATEGORY_MODIFIERS[word]
    if category == "combatant" and (event in lx.POW_EVENTS or lx.POW_CONTEXT.search(text)):
        return "pow"
    if category == "pow" and victims and "civilian" in victims.lower():
        return "civilian"
    return category


# --- one number --------------------------------------------------------------------------------


def _read_number(text: str, tokens: list[_Token], i: int, consumed: set[int]) -> _Draft | None:
    tok = tokens[i]
    num = tok.number
    if num is None:  # callers pass number tokens; any other token reads as no number
        return None
    before_text = text[: num.start]
    after_text = text[num.end :]
    if _is_not_a_count(text, tokens, i, before_text, after_text):
        return None
    count, high, qualifier = num.value, None, "exact"
    last = i
    # Ranges: "between 7,000 and 15,000", "from 150 to 200", "150-200".
    upper = tokens[i + 2].number if i + 2 < len(tokens) else None
    if (
        upper is not None
        and lx.RANGE_JOINERS.match(tokens[i + 1].text)
        and (
            tokens[i + 1].low in lx.DASHES
            or lx.RANGE_OPENERS.search(before_text)
            or tokens[i + 1].low == "to"
        )
        and upper.value > num.value
    ):
        high, qualifier, last = upper.value, "range", i + 2
        consumed.add(i + 2)
    else:
        for rx, q in lx.QUALIFIER_BEFORE_RE:
            if rx.search(before_text):
                qualifier = q
                break
        for rx, q in lx.QUALIFIER_AFTER_RE:
            if rx.match(after_text):
                qualifier = q
                break
    increments: list[NumberMention] = []
    if _is_increment(tokens, last + 2):  # "197,260 (+490) persons": a daily rise in brackets
        increments.append(tokens[last + 3].number)  # type: ignore[arg-type]
        consumed.add(last + 3)
        last += 4
    head = _victim_phrase(tokens, last + 1, consumed)
    if head.kind == "thing":
        return None
    if head.kind == "bare" and (
        named := lx.NUMBER_OF_PEOPLE.search(before_text)
        or lx.NUMBER_OF_PEOPLE_AT.search(before_text)
    ):
        # "The number of civilians killed in the region rose to 1,024": the people are named
        # before the figure the number of them reached.
        who = re.sub(r"^(?:his|her|their|its|our|my)\s+", "", named.group("who"), flags=re.I)
        category = lx.VICTIM_NOUNS.get(who.lower().split()[-1])
        if category is not None:
            head = replace(head, words=who, category=category)
    elif head.kind == "bare" and (whole := lx.PEOPLE_OF_PART.search(before_text)):
        # "Of the Ukrainians freed, 20 had been wounded": a part of the people named there.
        noun = re.sub(r"\s+of\s+war$", "", whole.group("who").lower()).split()[-1]
        category = lx.VICTIM_NOUNS.get(noun)  # "prisoners of war": its noun is "prisoners"
        if category is not None:
            head = replace(head, words=whole.group("who"), category=category)
    if head.kind == "person" and head.category == "unknown":
        labelled = _people_label(tokens, i)
        if labelled is not None:
            head = replace(head, category=labelled)  # "personnel – 434,760 (+930) persons"
    inclusion = bool(lx.INCLUSION_CUES.search(before_text))
    anaphoric = (
        bool(lx.ANAPHORIC_NUMBER_BEFORE.search(before_text))
        or head.partitive
        or (head.kind == "bare" and bool(lx.MORE_OF_THE_SAME.match(after_text)))
    )
    event = head.event or _event_near(text, tokens, i, last, head)
    if (
        event is None
        and head.kind == "person"
        and (of := lx.PARTITIVE_OF_EVENT.search(before_text))
    ):
        word_event = _event_of(of.group("ev").lower())
        event = word_event[0] if word_event else None
    main = _event_after_relative(tokens, head.end) if head.kind == "person" else None
    if main is not None and not (event == "perpetrator" and main == "captured"):
        # "Three soldiers who surrendered ... were shot": the main verb is what befell them,
        # the relative clause what they did or underwent before; those who killed and were
        # then detained are suspects, not prisoners.
        if head.event and head.qualified and head.qualified != head.words and main != head.event:
            head = replace(
                head, words=head.qualified
            )  # "11 wounded servicemen who ... were killed"
        event = main
    if head.event and head.qualified and head.qualified != head.words:
        # "killed two wounded soldiers", "46 wounded servicemen have died": the participle
        # qualifies the people; the verb that governs the number is the event.
        governing = _event_near(text, tokens, i, last, replace(head, event=None))
        if governing is not None and governing not in {head.event, "perpetrator"}:
            event, head = governing, replace(head, words=head.qualified)
    if event == "perpetrator":
        return None
    if event in {"killed", "died", "executed"} and head.words and lx.SURVIVORS.search(head.words):
        return None  # "two survivors who had pretended to be dead": they lived
    if event == "captured" and head.words and lx.RETURNED_PEOPLE.match(head.words):
        return None  # "Twelve of the returned defenders had been held since ...": came home
    if (
        event == "killed"
        and head.kind == "person"
        and _relative_event(tokens, head.end) == "executed"
    ):
        event = "executed"  # "The bodies of 5 soldiers who had been executed": how they died
    if (
        event == "incidents"
        and head.words is None
        and head.kind == "event"
        and not lx.HARM_CONTEXT.search(text)
    ):
        return None  # "14 criminal proceedings for collaboration": not about harm
    if event == "incidents" and lx.PROPERTY_CASES_AFTER.match(after_text):
        return None  # "2,600 criminal proceedings into the destruction of civilian property"
    if (
        event is None
        and head.kind == "person"
        and 0 < head.end <= len(tokens)
        and lx.AMONG_THE_COUNTED.match(text[tokens[head.end - 1].end :])
    ):
        # "Three children were among the 17 dead": the toll after it is the claim (as the
        # older rows label it, d135), and its people are not the part's.
        return None
    if event is None and (label := _list_label(tokens, i)) is not None:
        event = label[1]  # "personnel – about 615,000", "killed: 4"
        if head.kind == "bare":
            head = label[0]
    leans = head.copula or (head.kind == "bare" and _elliptic(tokens, i, head.end))
    if event is None and head.kind == "person" and _coordinated_object(tokens, i, head.end):
        leans = True  # "killed two soldiers and three medics": the verb governs both
        event = _verb_over_things(tokens, i)  # "destroyed 3 tanks and 14 occupiers"
    restates = head.kind == "bare" and event is None and bool(lx.FIGURE_PUT_AT.search(before_text))
    if head.kind == "bare" and event is None and not inclusion and not leans and not restates:
        return None
    return _Draft(
        number=num,
        index=i,
        count=count,
        count_high=high,
        qualifier=qualifier,
        event=event,
        victims=head.words,
        victim_category=head.category,
        head_kind=head.kind,
        inclusion=inclusion,
        anaphoric=anaphoric,
        end_index=head.end - 1 if head.end > last else last,
        increments=increments,
        leans=leans and event is None,
        restates=restates,
        part=head.partitive or (head.copula and bool(lx.PART_OPENING.match(before_text))),
        passive_subject=head.kind == "bare" and bool(lx.PASSIVE_AFTER_COUNT.match(after_text)),
        people_before=_people_before(tokens, i) if head.partitive else None,
    )


def _people_before(tokens: list[_Token], i: int) -> tuple[str, str] | None:
    """The nearest plural people named earlier in the sentence, with their modifiers, for a
    partitive "of them": "attacked Russian servicemen who were trying to surrender, killing 17
    of them"."""
    for k in range(i - 1, -1, -1):
        if tokens[k].number is not None:
            return None  # counted people before are the ones "them" leans on, read elsewhere
        match = _match_victim_head(tokens, k)
        plural = match is not None and (
            match[0].endswith(("s", "men", "people", "children", "personnel"))
        )
        if match is None or not plural:
            continue
        first = k
        while first > 0 and (
            _is_modifier(tokens[first - 1]) or tokens[first - 1].low in lx.HEAD_LEAD_WORDS
        ):
            first -= 1
        words = " ".join(t.text for t in tokens[first : match[1]])
        return words, match[2]
    return None


def _elliptic(tokens: list[_Token], i: int, end: int) -> bool:
    """ "9 cases in Kyiv region and 3 in Chernihiv region": a count that repeats the one before."""
    return (
        i > 0
        and tokens[i - 1].low in lx.ELLIPSIS_JOINERS
        and end < len(tokens)
        and tokens[end].low in lx.PLACE_PREPOSITIONS
    )


def _coordinated_object(tokens: list[_Token], i: int, end: int) -> bool:
    """Whether the people at i..end are a second object after "and", with no verb of their own."""
    j = i - 1
    while j >= 0 and _is_qualifier_word(tokens[j].low):
        j -= 1
    if j < 0 or tokens[j].low not in {"and", ",", "as well as", "plus"}:
        return False
    nxt = tokens[end] if end < len(tokens) else None
    return (
        nxt is None
        or not nxt.text.isalpha()
        or nxt.low in lx.PLACE_PREPOSITIONS
        or nxt.low in {"and", "as", "during", "over", "overnight", "inside"}
    )


def _verb_over_things(tokens: list[_Token], i: int) -> str | None:
    """The harm verb over a count of things joined before the people at i: "destroyed 3 tanks
    and 14 occupiers" (the tanks are no claim, so no draft lends the people its event)."""
    j = i - 1
    while j >= 0 and _is_qualifier_word(tokens[j].low):
        j -= 1
    if j < 2 or tokens[j].low != "and":
        return None
    k = j - 1
    while k >= 0 and tokens[k].text.isalpha() and tokens[k].low not in lx.THING_NOUNS:
        k -= 1  # an adjective before the things: "3 armoured vehicles"
    if k < 1 or tokens[k].low not in lx.THING_NOUNS:
        return None
    k -= 1
    while k >= 0 and tokens[k].text.isalpha() and tokens[k].low not in lx.THING_NOUNS:
        if tokens[k].low in {"and", ","}:
            return None
        k -= 1
    if k < 1 or tokens[k].number is None:
        return None
    ev = _event_of(tokens[k - 1].low)
    return ev[0] if ev is not None and ev[1] == "verb" else None


def _is_increment(tokens: list[_Token], k: int) -> bool:
    """Whether tokens k-1 .. k+2 read "( + N )"."""
    return (
        k + 2 < len(tokens)
        and tokens[k - 1].text == "("
        and tokens[k].text == "+"
        and tokens[k + 1].number is not None
        and tokens[k + 2].text == ")"
    )


def _list_label(tokens: list[_Token], i: int) -> tuple[_Head, str | None] | None:
    """A figure in a bulletin list takes its label: "personnel – about 615,000", "wounded: 19".

    A people label takes its event from a loss word earlier in the sentence ("Enemy losses:").
    """
    j = i - 1
    while j >= 0 and tokens[j].number is None and _is_qualifier_word(tokens[j].low):
        j -= 1
    if j < 1 or tokens[j].text not in lx.LIST_MARKS:
        return None
    label = tokens[j - 1]
    ev = _event_of(label.low)
    if label.low in lx.EVENT_HEAD_NOUNS and lx.EVENT_HEAD_NOUNS[label.low] != "incidents":
        event = lx.EVENT_HEAD_NOUNS[label.low]  # "Personnel losses – 1,100"
        people = tokens[j - 2] if j >= 2 else None
        if people is not None and people.low in lx.VICTIM_NOUNS:
            return _Head("person", people.text, lx.VICTIM_NOUNS[people.low], event, i + 1), event
        return _Head("bare", None, "unknown", event, i + 1), event
    if ev is not None and not ev[3]:
        return _Head("bare", None, "unknown", ev[0], i + 1), ev[0]
    for start in range(max(0, j - 3), j):
        match = _match_victim_head(tokens, start)
        if match is not None and match[1] == j:
            words, _, category = match
            loss = next(
                (
                    lx.EVENT_HEAD_NOUNS[t.low]
                    for t in tokens[:start]
                    if t.low in lx.EVENT_HEAD_NOUNS and lx.EVENT_HEAD_NOUNS[t.low] != "incidents"
                ),
                None,
            )
            if loss is None:
                return None
            words = " ".join(t.text for t in tokens[start:j])
            return _Head("person", words, category, loss, i + 1), loss
    return None


def _people_label(tokens: list[_Token], i: int) -> str | None:
    """The category of a bulletin label naming people before a figure ("personnel –")."""
    j = i - 1
    while j >= 0 and tokens[j].number is None and _is_qualifier_word(tokens[j].low):
        j -= 1
    if j < 1 or tokens[j].text not in lx.LIST_MARKS:
        return None
    category = lx.VICTIM_NOUNS.get(tokens[j - 1].low)
    return category if category != "unknown" else None


def _is_not_a_count(
    text: str, tokens: list[_Token], i: int, before_text: str, after_text: str
) -> bool:
    """Ages, dates, years, times, money, percentages, call signs and ordinals are not counts."""
    num = tokens[i].number
    if num is None:  # not a number at all, so not a count
        return True
    after = after_text.lstrip()
    if re.match(lx.ORDINAL_SUFFIX, after_text, re.I):
        return True
    if after_text.startswith(("-", "‑")) and re.match(r"^[-‑][a-z]", after_text, re.I):
        return True  # 19-year-old, nine-storey, 30-minute
    if lx.NON_CLAIM_FOLLOWERS.match(after) or re.match(r"^\s*(?:[:.]\d|%)", after_text):
        return True
    if re.search(r"\d[:.]$", before_text):
        return True
    if lx.CURRENCY_BEFORE.search(before_text) or lx.AGE_BEFORE.search(before_text):
        return True
    if num.text.lower() == "one" and re.search(r"\bno\s*$", before_text, re.I):
        return True  # "No one was killed": nobody, not one person
    if lx.DISMISSED_BEFORE.search(before_text) or lx.PROJECTED_BEFORE.search(before_text):
        return True
    if lx.SUSPECTS_BEFORE.search(before_text) or lx.PART_OF_RETURNED.search(before_text):
        return True
    if lx.SUSPECTS_AFTER.match(after_text) or lx.SURVIVORS_AFTER.match(after_text):
        return True  # suspects; "the testimony of two survivors who had pretended to be dead"
    if lx.WRONG_FIGURE_BEFORE.search(before_text) and lx.WRONG_FIGURE_AFTER.match(after_text):
        return True
    if lx.RETRACTED_BEFORE.search(before_text):
        return True
    if lx.COUNTED_TWICE_AFTER.match(after_text) or lx.PROJECTED_AFTER.match(after_text):
        return True
    if lx.CLAIM_REPORTED_BEFORE.search(before_text) and lx.CALLED_FAKE_AFTER.match(after_text):
        return True  # "Posts claiming that 15 crew members had died were 'fake'"
    if lx.OTHER_WAR.search(before_text):
        return True  # "The Second World War, in which some 27 million Soviet citizens ..."
    if re.search(rf"\b(?:{lx.MONTHS})\.?\s*$", before_text, re.I) or re.match(
        rf"^\s*(?:of\s+)?(?:{lx.MONTHS})\b", after_text, re.I
    ):
        return True
    if not num.in_words and 1900 <= num.value <= 2100 and "," not in num.text:
        nxt = _victim_phrase(tokens, i + 1, set())
        if nxt.kind != "person":
            return True
    if num.in_words and num.value == 1 and re.match(r"^\s*of\b", after_text, re.I):
        return True
    if lx.CALLSIGN_BEFORE.search(before_text):
        return True
    quoted_word = re.search(r"['\"‘“](?P<w>\w+)\s*$", before_text)
    if quoted_word and not _is_qualifier_word(quoted_word.group("w").lower()):
        return True  # "Tiger 21" in quotes; not "'over 100' troops", a quoted figure
    if re.search(r"['\"‘“]$", before_text) and re.match(r"^\w*['\"’”]", after_text):
        return True  # '21': a call sign in quotes, not the first word of a quotation
    if re.match(r"^\s*,", after_text) and re.search(r"\w,\s*$", before_text):
        nxt = _victim_phrase(tokens, i + 1, set())
        if nxt.kind == "bare":
            return True  # "Ivanov, 47, commanded": an age in apposition
    if i > 0 and tokens[i - 1].text[:1].isupper() and tokens[i - 1].number is None:
        prev = tokens[i - 1]
        sentence_start = i - 1 == 0
        qualifierish = any(rx.search(prev.text) for rx, _ in lx.QUALIFIER_BEFORE_RE)
        if not sentence_start and not qualifierish and not lx.WEAK_CAPITALS.match(prev.low):
            nxt = _victim_phrase(tokens, i + 1, set())
            if nxt.kind == "bare":
                return True  # "Tiger 21": a call sign or a model name
    return False


@dataclass
class _Head:
    kind: str  # person, event, bare, thing
    words: str | None
    category: str
    event: str | None
    end: int  # index after the last token of the phrase
    partitive: bool = False  # "30 of them": the people are named elsewhere
    copula: bool = False  # "12 were children": the event is named elsewhere
    qualified: str | None = None  # "wounded servicemen": the people with their participle


def _victim_phrase(tokens: list[_Token], j: int, consumed: set[int]) -> _Head:
    """What the number counts: people (with their words), harm events, nothing, or a thing."""
    start = j
    if (
        j < len(tokens)
        and tokens[j].low in lx.COMPLEMENTS
        and j >= 2
        and tokens[j - 2].low in lx.TAKE_FORMS
    ):
        # "killed 60 soldiers and took three prisoner": the people are those named before
        return _Head("bare", None, "unknown", "captured", j + 1)
    # "7 of the 16 soldiers", "27 of 34 drones", "30 of them": the whole is named after "of",
    # or, after a pronoun, in the phrase the pronoun stands for.
    if (
        j + 1 < len(tokens)
        and tokens[j].low == "of"
        and (tokens[j + 1].low in lx.PARTITIVE_OPENERS or tokens[j + 1].number is not None)
    ):
        pronoun = tokens[j + 1].low in lx.PARTITIVE_PRONOUNS
        k = j + 1 if tokens[j + 1].number is not None else j + 2
        if k < len(tokens) and tokens[k].number is not None:
            whole = _victim_phrase(tokens, k + 1, set())
            if whole.kind in {"bare", "event"} and whole.event is not None and not pronoun:
                # "2 of the 9 wounded brought in after the strike had died": the whole is a
                # toll read on its own; the part's event is its own main verb, if a harm.
                main = _main_verb_event(tokens, whole.end)
                return _Head("bare", None, "unknown", main, whole.end)
            if whole.kind == "person" and whole.end < len(tokens):
                after = tokens[whole.end].low
                if (
                    after in lx.PARTICIPLES
                    or (after.endswith("ed") and _event_of(after))
                    or after in lx.IRREGULAR_PARTICIPLES
                ):
                    # "2 of the 5 people wounded were in critical condition": the claim is the
                    # whole, read on its own; the part says something else about them, unless
                    # the part's own verb is a harm ("Ten of the 360 people held ... had died").
                    main = _main_verb_event(tokens, whole.end + 1)
                    if main is not None:
                        return replace(whole, event=main, qualified=None)
                    return _Head("bare", None, "unknown", None, whole.end + 1)
            consumed.add(k)
            k += 1
        owner = next(
            (
                n
                for n in range(k, min(len(tokens) - 1, k + 3))
                if re.search(r"['’]s$", tokens[n].low)
            ),
            None,
        )
        if owner is not None and all(tokens[n].text.isalpha() for n in range(k, owner)):
            k = owner + 1  # "Two of the company's medics": the medics, of the company
        inner = _victim_phrase(tokens, k, consumed)
        if (
            inner.kind in {"event", "bare"}
            and inner.event is not None
            and inner.end + 1 < len(tokens)
            and tokens[inner.end].low in lx.COPULAS
        ):
            # "12 of the wounded are children": the people are named after the copula
            named = _victim_phrase(tokens, inner.end + 1, consumed)
            if named.kind == "person":
                return replace(named, event=inner.event)
            # "Two of the injured are in serious condition": a part of a toll already
            # counted, said to be in some state, is not a claim of its own.
            return _Head("thing", None, "unknown", None, inner.end)
        if inner.kind == "person" and inner.copula and pronoun:
            # "Nine of them were children": the part's event is the one of the toll before.
            return replace(inner, partitive=True)
        if inner.kind in {"person", "event"}:
            return inner
        if inner.kind == "thing" and not pronoun:
            return inner
        return _Head("bare", None, "unknown", None, k if pronoun else j, partitive=pronoun)
    # "Of those, 40 were children": the count's people are named after the copula.
    if j + 1 < len(tokens) and tokens[j].low in lx.COPULAS:
        inner = _victim_phrase(tokens, j + 1, consumed)
        if inner.kind == "person":
            return replace(inner, copula=True)
    k = j
    mods: list[str] = []
    event_mod: str | None = None
    while k < len(tokens) and k - start < 6:
        t = tokens[k]
        if t.number is not None:
            break
        match = _match_victim_head(tokens, k)
        if match is not None:
            head_words, end, category = match
            while end < len(tokens) and (more := _match_victim_head(tokens, end)) is not None:
                head_words, end, category = more  # "civilian detainees", "family members"
            first = start
            while first < k and (
                tokens[first].low in lx.HEAD_LEAD_WORDS | lx.COUNT_EXTENDERS
                or _event_of(tokens[first].low)
            ):
                if tokens[first].low in lx.CATEGORY_MODIFIERS:
                    category = lx.CATEGORY_MODIFIERS[tokens[first].low]
                first += 1  # "6 executed Ukrainian defenders" names Ukrainian defenders
            words = " ".join(tokens[x].text for x in range(first, end))
            lead = start
            while lead < first and tokens[lead].low in lx.HEAD_LEAD_WORDS | lx.COUNT_EXTENDERS:
                lead += 1
            qualified = " ".join(tokens[x].text for x in range(lead, end))
            return _Head("person", words, category, event_mod, end, qualified=qualified)
        if (
            t.low in lx.PARTICIPLES
            and t.low in lx.MODIFIERS
            and _match_victim_head(tokens, k + 1) is not None
        ):
            # "two wounded soldiers": the participle qualifies the people that follow
            word_event = _event_of(t.low)
            event_mod = word_event[0] if word_event else event_mod
            mods.append(t.low)
            k += 1
            continue
        if t.low in lx.EVENT_HEAD_NOUNS and (
            t.low not in lx.MONITORING_ONLY
            or lx.MONITORING_CUES.search(" ".join(x.text for x in tokens))
        ):
            ev = lx.EVENT_HEAD_NOUNS[t.low]
            victims, cat, end = _of_phrase(tokens, k + 1)
            if t.low in lx.PARTICIPLES and all(
                tokens[x].low in lx.ELLIPTIC_MODIFIERS for x in range(start, k)
            ):
                # "12 wounded", "four more injured": the people are those named before
                return _Head("bare", None, "unknown", ev, k + 1)
            if victims is None:
                cat = next(
                    (lx.CATEGORY_MODIFIERS[m] for m in mods if m in lx.CATEGORY_MODIFIERS), cat
                )
            return _Head("event", victims, cat, ev, end)
        if t.low in lx.THING_NOUNS:
            return _Head("thing", None, "unknown", None, k)
        if t.low in lx.TRANSPARENT_NOUNS and k + 1 < len(tokens) and tokens[k + 1].low == "of":
            inner = _victim_phrase(tokens, k + 2, consumed)
            if inner.kind == "person":
                return inner
            return _Head("thing", None, "unknown", None, k)
        word_event = _event_of(t.low)
        if k == start and _noun_modifier(tokens, k):
            mods.append(t.low)  # "two dock workers", "three aid convoy drivers"
            k += 1
            continue
        if (
            t.low in lx.MODIFIERS
            or t.low in lx.EVENT_NOUN_MODIFIERS
            and _next_is_event_noun(tokens, k)
            or (t.text[:1].isupper() and t.text.isalpha())
        ):
            if word_event and word_event[1] == "verb" and t.low in lx.MODIFIERS:
                event_mod = word_event[0]
            mods.append(t.low)
            k += 1
            continue
        break
    if k < len(tokens) and k - start <= 2 and _plain_thing(tokens, k):
        return _Head("thing", None, "unknown", None, k)  # "14 armoured vehicles"
    if k == start or tokens[k - 1].low in lx.MODIFIERS and not tokens[start].text[:1].isupper():
        if k == start or all(tokens[x].low in lx.MODIFIERS for x in range(start, k)):
            return _Head("bare", None, "unknown", None, start)
    if k < len(tokens) and k == start:
        return _Head("bare", None, "unknown", None, start)
    return _Head("thing", None, "unknown", None, k)


def _noun_modifier(tokens: list[_Token], k: int) -> bool:
    """Whether a plain lower-case word right after the number qualifies the people noun after
    it, as the first of a compound ("dock workers", "farm labourers")."""
    t = tokens[k]
    return (
        t.text.isalpha()
        and t.text.islower()
        and len(t.text) > 2
        and t.low not in lx.NOT_NOUN_MODIFIERS
        and _event_of(t.low) is None
        and _match_victim_head(tokens, k) is None
        and _match_victim_head(tokens, k + 1) is not None
    )


def _plain_thing(tokens: list[_Token], k: int) -> bool:
    """Whether a thing noun follows after at most one plain adjective ("armoured vehicles")."""
    for t in tokens[k : k + 2]:
        if t.low in lx.THING_NOUNS:
            return True
        if not t.text.isalpha() or _event_of(t.low) or t.low in lx.FILLERS | lx.CONJUNCTIONS:
            return False
    return False


def _next_is_event_noun(tokens: list[_Token], k: int) -> bool:
    """Whether an event noun follows within two tokens ("criminal cases", "violent deaths")."""
    return any(t.low in lx.EVENT_HEAD_NOUNS for t in tokens[k + 1 : k + 3])


def _match_victim_head(tokens: list[_Token], k: int) -> tuple[str, int, str] | None:
    if k >= len(tokens):
        return None  # "14 injured, 9 of them hospitalised": the sentence ends before a noun
    if k + 1 < len(tokens) and tokens[k + 1].low in lx.EVENT_HEAD_NOUNS.keys() - lx.PARTICIPLES:
        return None  # "civilian deaths": an adjective before an event noun
    if k > 0 and tokens[k].low in lx.COMPLEMENTS and _match_victim_head(tokens, k - 1):
        return None  # "took 5 infantrymen prisoner": a complement, not a second head
    for head in lx.VICTIM_HEADS:
        parts = head.split()
        if k + len(parts) > len(tokens):
            continue
        if all(tokens[k + n].low == p for n, p in enumerate(parts)):
            return head, k + len(parts), lx.VICTIM_NOUNS[head]
    return None


def _of_phrase(tokens: list[_Token], k: int) -> tuple[str | None, str, int]:
    """The people named after an event noun: "executions of Ukrainian prisoners of war"."""
    if k < len(tokens) and tokens[k].low in lx.OF_PHRASE_OPENERS:
        j = k + 1
        while j < len(tokens) and j - k < 7:
            if tokens[j].number is not None or tokens[j].text in lx.PHRASE_STOPS:
                break
            match = _match_victim_head(tokens, j)
            if match is not None:
                _, end, category = match
                while end < len(tokens) and (more := _match_victim_head(tokens, end)) is not None:
                    _, end, category = more
                first = j
                while first > k + 1 and _is_modifier(tokens[first - 1]):
                    first -= 1
                words = " ".join(t.text for t in tokens[first:end])
                return words, category, end
            j += 1
    return None, "unknown", k


def _is_modifier(t: _Token) -> bool:
    return t.low in lx.MODIFIERS or (t.text[:1].isupper() and t.text.isalpha())


def _event_near(text: str, tokens: list[_Token], i: int, last: int, head: _Head) -> str | None:
    """The harm event a number is tied to: after its noun phrase, else before the number."""
    after = _event_after(tokens, head.end, head)
    before = _event_before(tokens, i, head)
    if after is None and before is None and head.kind == "person":
        # "41 of the soldiers she carried out of the trenches later died": the main verb
        # after a clause that qualifies the people without "who".
        after = _distant_main_verb(tokens, head.end)
    if after == "perpetrator":
        return after
    if after == "casualties" and before is not None and before[0] == "killed":
        return after  # "lost about 80 people killed and wounded": a casualty figure
    if before is not None and (after is None or before[1] <= 1):
        return before[0]
    return after


def _ordinal_at(tokens: list[_Token], j: int) -> bool:
    """Whether the number at j is an ordinal written in digits ("72nd", "3rd")."""
    return (
        j + 1 < len(tokens)
        and tokens[j + 1].low in {"st", "nd", "rd", "th"}
        and (tokens[j + 1].start == tokens[j].end)
    )


def _event_after(tokens: list[_Token], k: int, head: _Head) -> str | None:
    j = k
    # "Three residents of the village, including a child, received ...": the people's place
    # or group after "of" is part of them, before the parenthetical.
    if j < len(tokens) and tokens[j].low == "of":
        m = j + 1
        while (
            m < len(tokens)
            and m - j <= 4
            and (tokens[m].text.isalpha() or _ordinal_at(tokens, m - 1) or _ordinal_at(tokens, m))
            and _event_of(tokens[m].low) is None
        ):
            m += 1
        if m < len(tokens) and m > j + 1 and tokens[m].text == ",":
            j = m
    if j + 2 < len(tokens) and tokens[j].text == "," and tokens[j + 1].low == "aged":
        # "Two soldiers, aged 19, 23 and 31, were killed": their ages set off by commas
        m = j + 2
        while m < len(tokens) and (
            tokens[m].number is not None or tokens[m].low in {",", "and", "or", "-", "–", "to"}
        ):
            m += 1
        if tokens[m - 1].text == ",":
            j = m
    # Skip a parenthetical: ", including five children," / ", among them ...,".
    if (
        j < len(tokens)
        and tokens[j].text == ","
        and j + 1 < len(tokens)
        and (
            tokens[j + 1].low in lx.PARENTHETICAL_OPENERS
            # "one volunteer, it said, was wounded": who says it, set off by commas
            or (
                j + 3 < len(tokens)
                and tokens[j + 1].low in lx.CLAIMANT_PRONOUNS | {"police", "officials"}
                and tokens[j + 2].low in {"said", "says", "added", "reported"}
                and tokens[j + 3].text == ","
            )
            # "41 civilians, of whom 6 were children, were killed"
            or (j + 2 < len(tokens) and tokens[j + 1].low == "of" and tokens[j + 2].low == "whom")
            # "Nine people, two of them children, were killed": a part named in passing
            or (
                j + 3 < len(tokens)
                and tokens[j + 1].number is not None
                and tokens[j + 2].low == "of"
                and tokens[j + 3].low in {"them", "whom"}
            )
            # "Seven civilians, employees of the bakery, were killed": who they were
            or _people_apposition(tokens, j + 1)
        )
    ):
        m = j + 1
        while m < len(tokens) and tokens[m].text not in lx.PHRASE_STOPS:
            m += 1
        if m < len(tokens) and tokens[m].text == ",":
            j = m + 1
    if j + 1 < len(tokens) and tokens[j].low == "aged" and tokens[j + 1].number is not None:
        # "2 men aged 38 and 61 were wounded": their ages stand between them and the verb
        j += 1
        while j < len(tokens) and (
            tokens[j].number is not None or tokens[j].low in {"and", ",", "-", "–", "to"}
        ):
            j += 1
    steps = 0
    saw_aux = False
    saw_relative = False
    while j < len(tokens) and steps < 7:
        t = tokens[j]
        if t.number is not None and _ordinal_at(tokens, j):
            j += 2  # "Two soldiers of the 72nd Brigade were killed": a unit, not a count
            continue
        if t.number is not None or t.text in lx.CLAUSE_STOPS or t.text == ",":
            return None
        ev = _event_of(t.low)
        if ev is not None and t.low not in lx.NOT_CAPTURE_AFTER:
            event, role, _reach, needs_person = ev
            if needs_person and head.kind != "person":
                return None
            if t.low in lx.COMPLEMENTS and not any(
                x.low in lx.TAKE_FORMS for x in tokens[max(0, k - 8) : k]
            ):
                return None  # only "took 5 soldiers prisoner" names a capture
            if not saw_aux and (saw_relative or _starts_object(tokens, j + 1)) and role == "verb":
                if event not in lx.UNDERGONE_EVENTS and not t.low.endswith("ing"):
                    return "perpetrator"
            if role == "noun" and event == "incidents":
                return None
            return event
        if lx.PERPETRATOR_CUES.match(t.low):
            return "perpetrator"
        if t.low in lx.CONJUNCTIONS:
            skip = _coordinated_subject(tokens, j) if head.kind == "person" else None
            if skip is None:
                return None
            j = skip  # "Two teachers and a guard were killed": the verb is both subjects'
            continue
        if t.low in lx.RELATIVE_PRONOUNS:
            saw_relative = True
        if t.low in lx.PASSIVE_AUX:
            saw_aux = True
        if t.low not in lx.FILLERS and not t.low.endswith("ly"):
            steps += 1
        steps += 1 if t.low in lx.FILLERS else 0
        j += 1
    return None


def _people_apposition(tokens: list[_Token], k: int) -> bool:
    """Whether tokens from k are people named again between commas, before the verb:
    "employees of the bakery," / "most of them women,"; never a clause with its own verb."""
    head = next(
        (n for n in range(k, min(len(tokens), k + 3)) if _match_victim_head(tokens, n)), None
    )
    if head is None or any(tokens[n].number is not None for n in range(k, head + 1)):
        return False
    for n in range(head + 1, min(len(tokens) - 1, head + 8)):
        t = tokens[n]
        if t.text == ",":
            return tokens[n + 1].low in lx.PASSIVE_AUX | {"had", "have", "has", "died"}
        if t.number is not None or t.text in lx.CLAUSE_STOPS or _event_of(t.low):
            return False
    return False


def _distant_main_verb(tokens: list[_Token], k: int) -> str | None:
    """An intransitive death verb ("died", "perished") or a passive harm verb ending the clause
    that opens with the counted people, within a short clause without another count."""
    for j in range(k, min(len(tokens), k + 14)):
        t = tokens[j]
        if t.number is not None or t.text in lx.PHRASE_STOPS or t.low in lx.CONJUNCTIONS:
            return None
        ev = _event_of(t.low)
        if ev is not None and ev[0] in lx.UNDERGONE_EVENTS and t.low.endswith("ed"):
            return ev[0]
        if ev is not None:
            return None
    return None


def _coordinated_subject(tokens: list[_Token], j: int) -> int | None:
    """Where a plural verb resumes after "and a guard", when tokens[j] is that "and"."""
    if tokens[j].low != "and" or j + 1 >= len(tokens):
        return None
    if tokens[j + 1].low not in lx.COORDINATED_OPENERS:
        return None
    for n in range(j + 2, min(len(tokens), j + 5)):
        t = tokens[n]
        if t.low in {"were", "have", "are"}:
            return n
        if not t.text.isalpha() or t.low in lx.CONJUNCTIONS or _event_of(t.low):
            return None
    return None


def _main_verb_event(tokens: list[_Token], k: int) -> str | None:
    """The harm verb of a clause's main verb phrase after a modifier: "... had died"."""
    for j in range(k, min(len(tokens), k + 15)):
        t = tokens[j]
        if t.number is not None or t.text in lx.PHRASE_STOPS:
            return None
        if t.low not in {"were", "was", "have", "has", "had"}:
            continue
        for n in range(j + 1, min(len(tokens), j + 4)):
            ev = _event_of(tokens[n].low)
            if ev is not None and ev[1] == "verb" and tokens[n].low.endswith(("ed", "en", "ot")):
                return ev[0]
            if tokens[n].low not in {"been", "also", "later", "all", "then", "reportedly"}:
                break
        return None
    return None


def _relative_event(tokens: list[_Token], k: int) -> str | None:
    """The harm a relative clause right after the people says they underwent ("who had been
    executed", "that were shot")."""
    if k >= len(tokens) or tokens[k].low not in {"who", "that"}:
        return None
    for n in range(k + 1, min(len(tokens), k + 5)):
        low = tokens[n].low
        if low in {"had", "have", "has", "been", "were", "was", "reportedly", "allegedly"}:
            continue
        ev = _event_of(low)
        return ev[0] if ev is not None and ev[1] == "verb" else None
    return None


def _event_after_relative(tokens: list[_Token], k: int) -> str | None:
    """The main verb after a relative clause: "Two nurses who were treating patients were killed".

    The clause's own verbs are skipped; the event is a passive verb after it ("were killed"),
    never an active one (those say what the people did).
    """
    if k >= len(tokens) or tokens[k].low not in lx.RELATIVE_PRONOUNS | {"whose", "which"}:
        return None
    for j in range(k + 3, min(len(tokens), k + 18)):
        t = tokens[j]
        if t.number is not None or t.text in lx.PHRASE_STOPS:
            return None
        if t.low not in {"were", "was", "have", "has", "had"}:
            continue
        if tokens[j - 1].low in {"or", "and"}:
            continue  # "who were in custody or had been captured": still the relative clause
        for n in range(j + 1, min(len(tokens), j + 4)):
            ev = _event_of(tokens[n].low)
            if ev is not None and ev[1] == "verb" and tokens[n].low.endswith(("ed", "en", "ot")):
                return ev[0]
            if tokens[n].low not in {"been", "also", "later", "all", "then", "reportedly"}:
                break
    return None


def _starts_object(tokens: list[_Token], j: int) -> bool:
    """Whether a noun phrase (the object of an active verb) starts at token j."""
    if j >= len(tokens):
        return False
    t = tokens[j]
    return (
        t.number is not None
        or t.low in lx.OBJECT_DETERMINERS
        or _match_victim_head(tokens, j) is not None
        or (t.text[:1].isupper() and t.text.isalpha())
    )


def _event_before(tokens: list[_Token], i: int, head: _Head) -> tuple[str, int] | None:
    j = i - 1
    distance = 0
    # Qualifier words right before the number do not count as distance.
    while j >= 0 and tokens[j].number is None:
        t = tokens[j]
        if t.text in lx.CLAUSE_STOPS or t.text == ",":
            return None
        ev = _event_of(t.low)
        if ev is not None:
            event, role, reach, needs_person = ev
            if needs_person and head.kind not in {"person", "event"}:
                if not (head.kind == "bare" and t.low in lx.SHOT_WORDS):
                    return None
            if distance <= reach:
                if role == "noun" and event == "incidents":
                    return None
                if t.low in lx.COMPLEMENTS:
                    return None
                return event, distance
            return None
        if t.low in lx.CONJUNCTIONS and t.low not in lx.CONJUNCTIONS_BEFORE_KEPT:
            return _verb_before_coordination(tokens, j, head)
        if not _is_qualifier_word(t.low) and t.low not in lx.BEFORE_SKIP:
            distance += 1
        j -= 1
    return None


def _verb_before_coordination(tokens: list[_Token], j: int, head: _Head) -> tuple[str, int] | None:
    """The verb of "killed a woman and her three grandchildren": an "and" at j that joins the
    count to a short object ("a woman") of a harm verb right before it."""
    if tokens[j].low != "and" or head.kind != "person":
        return None
    for v in range(j - 2, max(-1, j - 5), -1):
        if tokens[v + 1].low not in lx.COORDINATED_OPENERS:
            continue
        ev = _event_of(tokens[v].low)
        between = tokens[v + 1 : j]
        if ev is not None and ev[1] == "verb" and all(t.text.isalpha() for t in between):
            return ev[0], 0
    return None


def _is_qualifier_word(word: str) -> bool:
    return word in lx.QUALIFIER_WORDS


# --- attribution -------------------------------------------------------------------------------

# "... 4 killed, 19 wounded — Donetsk regional military administration."
_TRAILING_DASH = re.compile(r"\s[—–]\s*(?P<who>[A-Z][\w'’.-]*(?:\s+[\w'’.-]+){0,7}?)\s*\.?$")
_HEADLINE = re.compile(
    # "Update: the number of injured has increased to 31": a label, not a speaker
    r"^(?!(?i:update|updated|breaking|correction|clarification|important|attention|urgent|"
    r"photo|video|live|watch|read more|background|context)\s*:)"
    r"(?P<who>[A-Z][\w'’.-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.-]*){0,4}"
    # "Kharkiv governor: 3 people injured"
    r"(?:\s+(?:governor|mayor|police|prosecutors|ombudsman|officials|military|administration))?)"
    r"\s*:\s+\S"
)


def _claimant(text: str, last_claimant: str | None, quote_open: bool = False) -> str | None:
    """Who asserts what the sentence says, or None when the text names no one.

    A news outlet named last ("X said on Friday that ..., AFP reported") passes on what the
    speaker the sentence names first said; that speaker is the claimant.
    """
    who = _claimant_of(text, last_claimant, quote_open)
    if who is not None and re.match(r"(?:our|my)\s", who, re.I):
        return None  # "Our analysis identified ...": the writer's own; a heading may name it
    if who is not None and (own := lx.OWN_DOCUMENT.match(who)):
        who = _owner(own.group("pron"), text, last_claimant)
    if who is not None and lx.NEWS_OUTLET.search(who):
        first = _leading_claimant(text, last_claimant)
        if first is not None and not lx.NEWS_OUTLET.search(first):
            return first
    return _claimant_list(who, text) if who is not None else None


def _owner(pronoun: str, text: str, last_claimant: str | None) -> str | None:
    """Whose document "its annual report" is: the sentence's subject when it can own it ("The
    headquarters has registered 16,000 ..., according to its annual report"), else whom the
    possessive stands for."""
    end = lx.SUBJECT_END.search(text)
    subject = lx.SUBJECT_OPENERS.sub("", text[: end.start()]).strip() if end else None
    if subject is not None and (not _good_claimant(subject) or len(subject.split()) > 12):
        subject = None
    body = pronoun.lower() in {"its", "their"}
    if subject is not None and (kind := claimant_kind(subject)) is not None:
        if (kind == "body") == body:
            return trim_claimant(subject)
    return _pronoun_claimant("it" if body else "he", last_claimant)


def _claimant_list(who: str, text: str) -> str:
    """The whole list when the claimant found is one part of a list of sources joined by "and".

    "according to the police, the emergency service and the city's mayor": all three claim the
    figure, so the claimant is the list, not its first part (nor its last two).
    """
    at = text.find(who)
    if at < 0:
        return who
    start, end = at, at + len(who)
    joined = " and " in who
    while m := lx.LIST_NEXT_SOURCE.match(text, end):  # ", the emergency service and the mayor"
        if not _list_source(m.group("item")):
            break
        end, joined = m.end("item"), joined or bool(m.group("and") or m.group("and2"))
    if joined:
        while m := lx.LIST_PREVIOUS_SOURCE.search(text[:start]):  # "The police, " before it
            if not _list_source(m.group("item")):
                break
            start = m.start("item")
    if not joined or (start, end) == (at, at + len(who)):
        return who
    return text[start:end].rstrip(" .,;:")


def _list_source(item: str) -> bool:
    """Whether one part of a list reads as a source: a short noun phrase, not a clause."""
    return (
        _good_claimant(item)
        and len(item.split()) <= 6
        and not lx.NOT_A_LIST_SOURCE.match(item)
        and not any(ch.isdigit() for ch in item)
    )


def _claimant_of(text: str, last_claimant: str | None, quote_open: bool) -> str | None:
    quoted = _after_quote(text, last_claimant, quote_open)
    if quoted is not None:
        return quoted
    m = lx.QUOTED_PASSIVE.match(lx.SUBJECT_OPENERS.sub("", text))
    if m and _good_claimant(quoted_one := trim_claimant(m.group("who"))):
        return _clean_claimant(quoted_one, last_claimant)
    m = lx.CLAIMS_BY.search(text) or lx.POST_FROM.search(text) or lx.RELAYED_CLAIM.search(text)
    if m and _good_claimant(by := trim_claimant(m.group("who"))):
        return _clean_claimant(by, last_claimant)
    m = lx.CITING_CLAUSE.search(text)
    if m:
        # "..., the ombudsman said, citing witness accounts": the ombudsman claims it; a news
        # outlet that cites someone ("Reuters reported, citing officials") passes it on.
        rest = text[m.end() :]
        speaker = _claimant(
            f"{text[: m.start()]} {rest}" if rest else text[: m.start()] + ".", last_claimant
        )
        if speaker is not None and not lx.NEWS_OUTLET.search(speaker):
            return speaker
        if speaker is not None and lx.OWN_FIGURES.match(m.group("who")):
            return speaker  # "Reuters, citing its own tally, said ...": the outlet counted
        if speaker is not None and _good_claimant(cited := trim_claimant(m.group("who"))):
            return cited  # "Ukrainska Pravda reported, citing the National Police, that ..."
    m = lx.IT_FOLLOWS_FROM.search(text)
    if m:
        # "At least 655 children have been killed ..., it follows from the data of the Office"
        named = re.sub(r"\s+as of\b.*$", "", m.group("who"))
        source = _agent(named) or trim_claimant(named)
        if _good_claimant(source):
            return source
    m = lx.INFORMS_OPENER.match(text)
    if m and _good_claimant(m.group("who")):
        return trim_claimant(m.group("who"))
    m = lx.INVERTED_AT_END.search(text)
    if m and _apposed_subject(text[: m.start()]):
        m = None  # "The governor, Name, said the attack began at midnight.": said what, not who
    if m and lx.TIME_OR_MEANS_LEAD.match(m.group("who")):
        # "..., the governor, Ivan Fedorov, said on Tuesday after ...": when, not who; the
        # speaker is the role and name set off by commas before the verb.
        before = _apposed_tail(text[: m.start()])
        if before is not None:
            return before
        m = None
    if m and _states_content(m.group("who")):
        m = None  # "The mayor, X, told Reuters that five ...": Reuters is told, not telling
    if m and (maker := _agent(m.group("who"))):
        return maker  # "..., according to official data of juvenile prosecutors."
    if m and _good_claimant(inverted := trim_claimant(m.group("who"))):
        return _clean_claimant(inverted, last_claimant)
    m = lx.PASSIVE_AGENT.search(text)
    if m and _good_claimant(m.group("who")) and _good_claimant(agent := trim_claimant(m["who"])):
        return agent
    m = lx.TRAILING_SAID.search(text)
    if m and lx.LIST_AFTER_PARTICIPLE.match(text[: m.start()].split(",")[-1]):
        m = None  # "..., using obituaries, local news reports.": a list, not a speaker
    if m and _good_claimant(m.group("who")):
        who = _clean_claimant(m.group("who"), last_claimant)
        if who:
            return who
    m = lx.QUOTED_AS_SAYING.search(text)
    if m:
        return _clean_claimant(m.group("who"), last_claimant)
    m = lx.ACCORDING_TO.search(text)
    if m and (lx.OWN_SOURCES.match(m.group("who")) or lx.OWN_INVESTIGATION.match(m["who"])):
        m = None  # "Rybar: according to our sources, ...": the speaker's own sources
    if m and m.group("who").lower() in lx.OBJECT_PRONOUNS:
        # "According to her, 41 of them ...": the person just named
        return _pronoun_claimant(m.group("who"), last_claimant)
    if m and _good_claimant(m.group("who")):
        # "according to figures released by the prosecutor's office": the office
        who = _agent(m.group("who")) or _clean_claimant(
            trim_claimant(m.group("who")), last_claimant
        )
        return _with_apposition(who, text[m.end() :]) if who else who
    if lx.BY_THEIR_COUNT.search(text):
        return last_claimant
    m = _HEADLINE.match(text)
    if m and " of " in m.group("who") and not lx.SOURCE_WORDS.search(m.group("who")):
        m = None  # "Bombing of Kharkiv: ..." names what happened; "Police of X:" who says
    if m and not any(_event_of(w.lower()) for w in m.group("who").split()):
        if not lx.REGION_HEADING.search(m.group("who")):
            return m.group("who")
    m = _TRAILING_DASH.search(text)
    if m and _good_claimant(m.group("who")) and not re.search(r"\w+est\b", m.group("who")):
        return m.group("who").rstrip(".")
    m = lx.DATA_RELEASED_BY.match(text)
    if m and _good_claimant(released := trim_claimant(m.group("who"))):
        return released
    m = lx.TRAILING_SOURCE.search(text)
    if m and lx.SOURCE_WORDS.search(m.group("who")) and _good_claimant(m.group("who")):
        # "4 killed, 10 wounded (police).", "(data of the regional police)": the police
        return _agent(m.group("who")) or m.group("who").strip()
    m = lx.SHOW_VERBS.search(text)
    if m and (maker := _agent(re.split(r"[,;:\"“”(]", text[: m.start()])[-1])):
        return maker
    return _leading_claimant(text, last_claimant)


def _with_apposition(who: str, rest: str) -> str:
    """A claimant with the name or role set off by commas after it: "According to the regional
    governor, Vyacheslav Gladkov, one woman ..." names the governor with his name."""
    m = re.match(r"\s*,\s*(?P<app>[^,;:.()\"“”]{3,80}?)\s*,", rest)
    if m is None:
        return who
    pair = f"{who}, {m.group('app')}"
    return pair if trim_claimant(pair) == pair else who


def _apposed_tail(before: str) -> str | None:
    """The role and name (or name and role) that end a clause before ", said": "Russian
    shelling killed 4 people, the governor, Ivan Fedorov" -> "the governor, Ivan Fedorov"."""
    parts = [p.strip() for p in before.split(",")]
    if len(parts) < 3:
        return None
    pair = f"{parts[-2]}, {parts[-1]}"
    if find_numbers(pair) or not _good_claimant(pair) or trim_claimant(pair) != pair:
        return None
    return pair


def _apposed_subject(before: str) -> bool:
    """Whether all that stands before ", said ..." is a name with its role ("Kharkiv's governor,
    Oleh Syniehubov"): then that is the subject, and what follows the verb is what was said."""
    before = before.strip()
    return (
        "," in before
        and trim_claimant(before) == before
        and _good_claimant(before)
        and not find_numbers(before)
    )


def _states_content(after_verb: str) -> bool:
    """Whether what follows a verb of saying is what is said (a clause with a figure), so the
    words right after the verb are its addressee rather than an inverted subject."""
    if re.search(r"\bthat\b", after_verb, re.I):
        return True
    return any(
        not re.match(lx.ORDINAL_SUFFIX, after_verb[n.end :]) for n in find_numbers(after_verb)
    )


def _contrasted_claimant(text: str, first: str | None) -> tuple[int, str] | None:
    """A second claimant in a contrasting clause, with where that clause starts.

    "The regional police said 5 people were killed, while the governor put the toll at seven":
    the figures after "while" are the governor's, not the police's.
    """
    for m in lx.CONTRAST_CLAUSE.finditer(text):
        rest = text[m.end() :]
        if not find_numbers(rest):
            continue
        rest = lx.SUBJECT_OPENERS.sub("", rest)  # "; separately, the police reported 2 ..."
        who = _leading_claimant(rest, first)
        cited = lx.CITING_CLAUSE.search(rest)
        if who is not None and lx.NEWS_OUTLET.search(who) and cited:
            if _good_claimant(passed := trim_claimant(cited.group("who"))):
                return m.end(), passed  # "; RBC, citing the regional governor, put the toll"
        opens = (
            who is not None
            and rest.lower().startswith(who.lower())
            and not re.match(r"\w+ing\b|.*\bthat\b", who, re.I)  # "claiming that the toll"
        )
        # the clause's own subject, first, and not the claimant of the clause before it (the
        # whole sentence's claimant may be this clause's: "Five were killed, while the
        # governor said 12 were injured")
        if who is not None and opens and who != _claimant(text[: m.start()] + ".", first):
            return m.end(), who
    return None


def _opens_quotation(text: str) -> bool:
    """Whether a sentence opens a quotation it does not close ('"We lost 11 men.')."""
    return text.count("“") > text.count("”") or (
        text.count("“") == 0 and text.count('"') % 2 == 1 and text.lstrip().startswith('"')
    )


def _closes_quotation(text: str) -> bool:
    return text.count("”") > text.count("“") or (text.count("“") == 0 and text.count('"') % 2 == 1)


def _person_subject(text: str) -> str | None:
    """A named person (with a role beside the name) who opens a sentence as its subject, or
    its main clause after a leading one ("When the shelling began, Sergeant X's company ..."),
    or a role in place of a name ("The chief of the district police spoke to reporters")."""
    lead = lx.LEADING_CLAUSE.match(text)
    main = text[lead.end() :] if lead else text
    role = lx.ROLE_SUBJECT.match(main)
    if role is not None and _good_claimant(role["who"]):
        return trim_claimant(role["who"])
    m = lx.PERSON_SUBJECT.match(main)
    if m is None:
        return None
    if re.match(r"(?:The|A|An)\s", m.group("who")):
        # "The Ministry of Defence issued ...": a body, whom a later "it said" stands for,
        # with its whole name ("of Defence" too).
        body = lx.BODY_SUBJECT.match(main)
        return body.group(0) if body and _good_claimant(body.group(0)) else None
    if (
        " " not in m.group("who")
        and not m.group("relative")
        and (not m.group("role") or lx.ATTRIBUTION_VERB.search(m.group("role")))
    ):
        return None  # a first name alone is a person only with a role beside it ("Iryna, a medic")
    who = (m.group("title") or "") + re.sub(r"['’]s$", "", m.group("who"))  # "Tkachenko's men"
    who = trim_claimant(who + (f", {m.group('role')}" if m.group("role") else ""))
    return who if _good_claimant(who) else None


def _after_quote(text: str, last_claimant: str | None, opened: bool = False) -> str | None:
    """The speaker named after a closing quotation mark: '"...," the commander said.'

    `opened`: the quotation opened in an earlier sentence, so this one only closes it.
    """
    m = lx.AFTER_QUOTE.search(text)
    if m is None or not (opened or re.search(r"[“\"]", text[: m.start() + 1])):
        return None
    rest = m.group("rest").strip()
    q = lx.QUOTE_INVERTED.match(rest) or lx.QUOTE_SUBJECT.match(rest)
    if q is None:
        return None
    who = trim_claimant(q.group("who"))
    if who.lower() in lx.PRONOUNS:
        return _pronoun_claimant(who, last_claimant)
    return who if _good_claimant(who) else None


def trim_claimant(who: str) -> str:
    """A claimant phrase without what is said about it, keeping a role or a name beside it.

    "the battalion commander, who goes by the call sign Grizzly" -> "the battalion commander";
    "the deputy commander of the brigade, Maksym Zhorin, speaking on television" keeps the name;
    "Olena Kovalenko, a trauma surgeon in Kramatorsk" keeps the role.
    """
    who = who.strip(" ,'\"“”")
    who = lx.CLAIMANT_TAIL.sub("", who).strip(" ,")
    who = lx.CLAIMANT_ADVERB.sub("", who)  # "officials initially (said)"
    if run_by := lx.ACCOUNT_RUN_BY.match(who):
        who = run_by.group("who").strip()  # "An X account run by the regional police"
    parts = [p.strip() for p in who.split(",")]
    kept = parts[0]
    if len(parts) > 1 and parts[1]:
        first_is_name = bool(lx.PERSON_NAME.match(parts[0]))
        if (not first_is_name and lx.PERSON_NAME.match(parts[1])) or (
            first_is_name and lx.ROLE_APPOSITION.match(parts[1])
        ):
            kept = f"{parts[0]}, {parts[1]}"
    return kept


def _agent(subject: str) -> str | None:
    """Who made the data a sentence's subject names: "Data collected by the mission"."""
    subject = lx.SUBJECT_OPENERS.sub("", subject.strip()).strip()
    m = lx.STATEMENT_ON_SITE.match(subject) or lx.AGENT_OF.match(subject)
    if m is None:
        return None
    who = trim_claimant(m.group("who"))
    return who if _good_claimant(who) and who.lower() not in lx.PRONOUNS else None


def source_pointer(text: str) -> str | None:
    """The claimant a sentence names for the figures before it: "This is according to X."."""
    m = (
        lx.SOURCE_POINTER.match(text.strip())
        or lx.SIGNATURE.match(text.strip())
        or lx.BARE_SIGNATURE.match(text.strip())
        or lx.NAME_ROLE_SIGNATURE.match(text.strip())
        or lx.ORG_SIGNATURE.match(text.strip())
        or lx.SOURCE_LABEL.match(text.strip())
        or lx.TOLD_ABOUT_IT.match(text.strip())
        or lx.SOURCE_POINTER_ACTIVE.match(text.strip())
    )
    if m is None:
        return None
    named = m.groupdict().get("who") or m.group("whose")
    who = _agent(named) or trim_claimant(named)  # "according to data from the Office"
    if find_numbers(re.sub(r"\d+(?:st|nd|rd|th)\b", "", text[: text.find(who) + len(who)])):
        return None  # "These figures are from 2022", "according to 3 officials": not a source
    return who if _good_claimant(who) and who.lower() not in lx.PRONOUNS else None


def _leading_claimant(text: str, last_claimant: str | None) -> str | None:
    """The subject of the first verb of saying or finding in the sentence."""
    fallback: str | None = None
    for m in lx.ATTRIBUTION_VERB.finditer(text):
        if lx.CONDEMNING.search(m.group(0)) and lx.ATTRIBUTION_VERB.search(text[m.end() :]):
            continue  # "The EU condemned the strike, which officials said killed 20": theirs
        head = re.sub(r"\s*\([^()]{1,40}\)", "", text[: m.start()])  # "Intelligence (HUR)"
        if re.search(r"\b(?:not|never)\s*$", head, re.I):
            continue  # "Russia has not disclosed its losses": a statement not made
        if re.search(r"\b(?:to|to be|asked to be|not to be)\s*$", head, re.I):
            continue  # "who asked to be identified": not the sentence's verb of saying
        clause = re.split(r"[,;:\"“”(]|\s[—–-]\s", head)
        if (
            len(clause) >= 4
            and not clause[-1].strip()
            and lx.PARTICIPLE_ASIDE.match(clause[-2].strip())
        ):
            clause = clause[:-2] + [""]  # "the governor, Name, writing on Telegram, said"
        subject = clause[-1].strip()
        rel = next(
            (
                n
                for n in range(len(clause) - 2, 0, -1)
                if re.match(r"\s*(?:who|whom|whose)\b", clause[n], re.I)
            ),
            None,
        )
        if not subject and rel is not None:
            # "A press officer of the brigade, who asked to be identified only by his call
            # sign, Skif, said": the subject stands before the relative clause about it.
            kept = [c.strip() for c in clause[:rel]]
            pair = ", ".join(kept[-2:])
            subject = pair if len(kept) >= 2 and trim_claimant(pair) == pair else kept[-1]
        if not subject and len(clause) >= 3 and not clause[-1].strip():
            # "Name, adviser to the head of X, said" / "The head of X, Name, said": the
            # apposition is kept with the name.
            pair = f"{clause[-3].strip()}, {clause[-2].strip()}"
            kept_pair = trim_claimant(pair)
            if kept_pair == pair:
                subject = pair
            elif kept_pair.startswith(f"{clause[-3].strip()}, ") and lx.RELATIVE_TAIL.search(pair):
                subject = kept_pair  # "Name, a volunteer who has delivered aid ..., said"
            elif clause[-2].strip()[:1].islower():
                subject = clause[0].strip()
        if (
            m.group(0).lower().endswith("ing")
            and re.search(r"\b(?:before|after)\s*$", subject, re.I)
            and (opener := lx.OPENING_SUBJECT.match(text))
        ):
            # "The commission interviewed 200 witnesses before concluding that ...": who
            # concludes is the subject the sentence opens with.
            subject = opener.group("who")
        said = re.split(r"[,;:]", text[m.end() :])[0]
        relative = re.match(r"(?:which|that)\s+(?P<who>.+)$", subject, re.I)
        if (
            relative
            and find_numbers(said)
            and any(_event_of(w.lower()) for w in re.findall(r"[\w-]+", said))
            and _good_claimant(relative["who"])
        ):
            # "the strike on Kryvyi Rih, which Ukrainian officials said killed 20 people": the
            # speaker of the relative clause says the toll.
            return trim_claimant(relative["who"])
        subject = lx.TIME_OPENER.sub("", subject)  # "On Saturday the service revised ..."
        if (within := _subordinate_pronoun(subject, text)) is not None:
            return within
        if re.match(
            r"(?:which|who|whom|whose|where|when|by|of|in|on|at|from|with|for)\b", subject, re.I
        ):
            # "The strike, which the air force said involved 40 missiles, killed 11": the
            # saying belongs to a clause about something else; no one is named for the figure.
            continue
        subject = lx.SUBJECT_OPENERS.sub("", subject).strip()
        subject = lx.SUBJECT_LINKS.sub("", subject).strip()
        if m.group(0).lower() in lx.NOUN_LIKE_VERBS and re.search(
            r"\b(?:[a-z]+ed|the|a|these|those|such|its|their|his|her|earlier|new)$", subject
        ):
            # "The ministry denied reports that ...", "She dismissed the reports": a noun, the
            # object of the verb before it
            continue
        if not subject:
            if m.group(0).lower().endswith("ing") or m.group(0).lower().startswith(
                lx.LATE_SUBJECT_STARTS
            ):
                opener = lx.OPENING_SUBJECT.match(text)
                if (
                    m.group(0).lower().endswith("ing")
                    and opener
                    and opener.end() <= m.start()
                    and _good_claimant(opener.group("who"))
                ):
                    # "Ukraine's military denied the figure, saying it had lost 7 soldiers":
                    # who says it is the subject of the verb the participle hangs on.
                    fallback = fallback or trim_claimant(opener.group("who"))
                fallback = fallback or _sentence_subject(text)
            continue
        if subject.lower() in lx.PRONOUNS:
            return _pronoun_claimant(subject, last_claimant)
        if lx.DOCUMENT_SUBJECT.match(subject):
            return last_claimant  # "The statement added that ...": the one who issued it
        if (agent := _agent(subject)) is not None:
            return agent
        if lx.UNFINISHED_PHRASE.search(subject):
            continue  # "according to the report": a phrase cut off at a noun, not a subject
        if len(subject.split()) > _word_limit(subject) or not _good_claimant(subject):
            continue
        named = trim_claimant(subject)  # "Ukrainian soldiers who fought in Avdiivka told ..."
        if not _good_claimant(named):
            continue  # "An earlier version ..." trimmed to its article: no one named
        return named
    return fallback


def _subordinate_pronoun(subject: str, text: str) -> str | None:
    """The sentence's own subject, when a pronoun after "when" or "as" stands for it: "Russia
    has not disclosed its losses since 2022, when it said 5,937 of its soldiers had died"."""
    m = re.fullmatch(r"(?:when|as|after|before|because)\s+(?P<p>it|they|he|she)", subject, re.I)
    opener = lx.OPENING_SUBJECT.match(text)
    if m is None or opener is None:
        return None
    own = trim_claimant(opener.group("who"))
    kind = claimant_kind(own) if _good_claimant(own) else None
    pronoun = m.group("p").lower()
    if (kind == "body" and pronoun in {"it", "they"}) or (kind == "person" and pronoun != "it"):
        return own
    return None


def _sentence_subject(text: str) -> str | None:
    m = lx.SUBJECT_END.search(text)
    if not m:
        return None
    subject = lx.SUBJECT_OPENERS.sub("", text[: m.start()]).strip()
    return subject if subject and _good_claimant(subject) and len(subject.split()) <= 8 else None


def _word_limit(who: str) -> int:
    """How long a claimant phrase may be: a name with its role beside it ("Yevgeny Balitsky,
    the Russian-installed governor of the occupied part of the Zaporizhzhia region") may run
    longer than a phrase without a name, which past 12 words is a clause."""
    name, comma, role = who.strip().partition(",")
    if comma and lx.PERSON_NAME.match(name) and role.strip():
        return 16
    role, comma, name = who.strip().rpartition(",")  # "the governor of ..., Yevgeny Balitsky"
    named = comma and role.strip() and lx.PERSON_NAME.fullmatch(name.strip())
    return 16 if named else 12


def _good_claimant(who: str) -> bool:
    words = who.strip().split()
    if not words or len(words) > _word_limit(who):
        return False
    if words[-1].lower() in {"a", "an", "the", "this", "that", "these", "those", "its", "their"}:
        return False  # "dismissed the (reports)": a phrase cut short at a determiner names no one
    if len(words) == 1 and words[0].lower() in lx.ADJECTIVES_BEFORE_REPORTS:
        return False  # "dismissed as fabrications Ukrainian reports that ...": a noun's adjective
    if len(words) > 1 and words[0].lower() in lx.PRONOUNS:
        return False  # "said she had not received his body": a clause, not a name
    if re.match(r"(?:by|of|in|on|at|from|with|for|to|according)\s", who.strip(), re.I):
        return False  # "by Ukrainian estimates": a phrase about the figure, not its claimant
    if lx.NOT_A_SOURCE.match(who.strip()):
        return False  # "preliminary data": what is said, not who says it
    bare = re.sub(r"^(?:the|a|an|this|that)\s+", "", who.strip().lower())
    if who.strip().lower() in lx.NOT_CLAIMANTS or bare in lx.NOT_CLAIMANTS | lx.DETERMINERS_ONLY:
        return False
    if any(w.lower() in lx.NOT_IN_CLAIMANT for w in words):
        return False
    if any(
        not re.match(lx.ORDINAL_SUFFIX, who[n.end :]) and not lx.AGE_AFTER.match(who[n.end :])
        for n in find_numbers(who)
    ):
        return False  # a count, not a name; "the 65th Brigade", "a 54-year-old teacher" are
    return True


def _clean_claimant(who: str, last_claimant: str | None) -> str | None:
    who = lx.SUBJECT_OPENERS.sub("", who.strip()).strip(" '\"“”")
    who = lx.CLAIMANT_ADVERB.sub("", who)  # "..., officials initially said."
    if who.lower() in lx.PRONOUNS:
        return _pronoun_claimant(who, last_claimant)
    return who or None


def _fuller_mention(who: str, last_claimant: str | None) -> str:
    """The earlier, fuller mention when `who` only names it again: after "a battalion press
    officer said ...", "the officer told AP ..." is the same officer, and a later "he said"
    stands for the officer as first named, not for "the officer"."""
    m = re.fullmatch(r"the\s+(?:[a-z][\w-]*\s+){0,2}(?P<head>[a-z][\w-]*)", who, re.I)
    if m is None or last_claimant is None or last_claimant.lower() == who.lower():
        return who
    first = re.split(r",|\s+(?:of|in|at|for|from)\s+", last_claimant)[0].split()
    return last_claimant if first and first[-1].lower() == m["head"].lower() else who


def _pronoun_claimant(pronoun: str, last_claimant: str | None) -> str | None:
    """Whom a pronoun stands for: the claimant named last, when the pronoun can stand for it.

    "he" or "she" never stands for a ministry or a police force, nor "it" for a person: when
    the last claimant named is of the other kind, the text does not say who it is, and the
    figure is left without a claimant rather than put in the wrong mouth. "We" and "I" speak
    for someone a quotation names, not for the last claimant.
    """
    word = pronoun.lower()
    if last_claimant is None or word not in lx.CLAIMANT_PRONOUNS | lx.OBJECT_PRONOUNS:
        return None
    kind = claimant_kind(last_claimant)
    if word in {"he", "she", "him", "her"} and kind == "body":
        return None
    if word == "it" and kind == "person":
        return None
    return last_claimant


def claimant_kind(who: str) -> str | None:
    """Whether a claimant names a person ("Governor Oleh Kiper", "the head of the regional
    administration") or a body ("the Ministry of Defence", "Ukraine's General Staff"), or None
    when the words do not tell."""
    head = lx.CLAIMANT_COMPLEMENT.split(who.strip(), maxsplit=1)[0]
    head = re.split(r"['’]s\s+", head)[-1]  # "Ukraine's General Staff" -> "General Staff"
    if lx.PERSON_ROLE.search(head):
        return "person"
    if lx.BODY_WORDS.search(head):
        return "body"
    if lx.PERSON_NAME.match(head) and len(head.split()) >= 2:
        return "person"  # "Oleh Syniehubov"
    return None
