"""The tables the reader is driven by: add a word here, not a special case in the reader."""

from __future__ import annotations

import re

# The words a claim is told in (its events, qualifiers, victim categories) are core's:
# corroborate.core.CLAIM_EVENTS, CLAIM_QUALIFIERS, CLAIM_VICTIM_CATEGORIES.

# --- Event words -------------------------------------------------------------------------------
# Each entry: a regex over lower-cased text, the event it names, and its role:
#   "verb"  a verb or participle ("were killed", "killing 12", "12 soldiers surrendered")
#   "noun"  a noun that can be the head counted ("12 deaths", "deaths of 12", "death toll ... 12")
#   "adj"   a participle used as a modifier of the victims ("12 missing soldiers")
# "reach" is how many tokens may lie between the word and the number it governs when it comes
# before the number ("death toll from the strike on X rose to 18" needs a long reach).
_KILLED_OR_WOUNDED = (
    r"(?:killed|dead|died) (?:or|and|and/or) (?:wounded|injured)|"
    r"(?:wounded|injured) (?:or|and|and/or) (?:killed|dead)"
)
EVENT_TERMS: list[tuple[str, str, str, int, bool]] = [
    # (pattern, event, role, reach, needs a person as the thing counted)
    # "killed or wounded" counts both together: a casualty figure, never a death toll.
    (rf"{_KILLED_OR_WOUNDED}|casualties", "casualties", "verb", 4, False),
    (r"summar(?:y|ily) execut\w*|execut(?:e|ed|es|ing|ion|ions)", "executed", "verb", 4, False),
    (
        r"shot dead|gunned down|gunning down|guns? down|kill(?:s|ed|ing|ings)?|slain|"
        r"slaughtered|murder(?:ed|s|ing)?",
        "killed",
        "verb",
        4,
        False,
    ),
    (r"shoot(?:ing|ings)?|shot", "killed", "verb", 3, True),
    # Military boasts: "eliminated up to 70 troops", "destroyed 15 infantrymen" count people only.
    (
        r"eliminat(?:e|ed|es|ing)|neutrali[sz](?:e|ed|es|ing)|liquidat(?:e|ed|es|ing)|"
        r"destroy(?:ed|ing|s)?|annihilat(?:ed|ing)|wiped out|took out|taken out",
        "killed",
        "verb",
        3,
        True,
    ),
    (r"fatal|fatally", "killed", "verb", 1, False),
    (r"(?:death|casualty) tolls?|tolls?", "killed", "noun", 14, False),
    (r"fatalities|dead|bodies|corpses", "killed", "noun", 4, False),
    (r"lost their lives|lives lost|perished", "killed", "verb", 3, False),
    (r"buried|bury|burying", "killed", "verb", 2, True),  # "we buried 22 of our men"
    (r"los(?:t|s|ses|ing|e)", "killed", "verb", 3, True),
    (r"died|die|dies|dying|deaths?", "died", "verb", 4, False),
    # "58 did not survive", "two could not be saved"
    (
        r"did not survive|didn't survive|could not be saved|couldn't be saved",
        "died",
        "verb",
        4,
        False,
    ),
    (r"injur(?:e|ed|es|ing|y|ies)|wound(?:ed|ing|s)?|hurt|maimed", "injured", "verb", 3, False),
    (
        r"captur(?:e|ed|es|ing)|taken (?:prisoner|captive|hostage)|"
        r"took (?:prisoner|captive|hostage)|"
        r"prisoner|captive|hostage|kidnap(?:ped|ping|s)?|"
        r"detain(?:ed|ing|s)?|abduct(?:ed|ing|ion|ions)|imprisoned|taken into custody",
        "captured",
        "verb",
        3,
        False,
    ),
    (r"hold(?:s|ing)?|held", "captured", "verb", 3, True),
    (r"missing|disappear(?:ed|ance|ances)|unaccounted", "missing", "verb", 3, False),
    (
        r"surrender(?:ed|s|ing)?|laid down (?:their )?arms|gave themselves up|give themselves up",
        "surrendered",
        "verb",
        3,
        False,
    ),
    (r"incidents?|cases|episodes|instances|proceedings", "incidents", "noun", 1, False),
    (r"attacks", "incidents", "noun", 0, False),
]
EVENT_RES = [
    (re.compile(rf"^(?:{p})$"), e, role, reach, person) for p, e, role, reach, person in EVENT_TERMS
]
# Longest event phrases, tried first when reading tokens (multi-word ones).
EVENT_PHRASES = re.compile(
    rf"\b(?:{_KILLED_OR_WOUNDED}|"
    r"shot dead|gunned down|gunning down|guns? down|lost their lives|lives lost|death tolls?|"
    r"casualty tolls?|"
    r"did not survive|didn't survive|could not be saved|couldn't be saved|"
    r"taken (?:prisoner|captive|hostage)|took (?:prisoner|captive|hostage)|taken into custody|"
    r"(?:laid|laying|lay) down (?:their )?arms|wiped out|took out|taken out|"
    r"gave themselves up|give themselves up|summar(?:y|ily) execut\w*|"
    r"shot down|shoot down|shooting down|shoots down)\b",
    re.I,
)

# Event words that only count as a harm event when the sentence also reports monitoring work:
# "documented 1,442 attacks on health care" is a claim, "carried out 78 attacks" is not.
MONITORING_ONLY = {"attacks"}
MONITORING_CUES = re.compile(
    r"\b(?:document\w*|record\w*|verif\w*|count\w*|register\w*|corroborat\w*|monitor\w*)\b", re.I
)

# Nouns that stand for a count of people already harmed ("12 deaths", "12 casualties").
EVENT_HEAD_NOUNS: dict[str, str] = {
    "deaths": "died",
    "death": "died",
    "fatalities": "killed",
    "casualties": "casualties",
    "dead": "killed",
    "killed": "killed",  # "22 of those killed were children"
    "bodies": "killed",
    "corpses": "killed",
    "killings": "killed",
    "executions": "executed",
    "injuries": "injured",
    "wounded": "injured",
    "injured": "injured",
    "disappearances": "missing",
    "abductions": "captured",
    "surrenders": "surrendered",
    "incidents": "incidents",
    "cases": "incidents",
    "episodes": "incidents",
    "instances": "incidents",
    "proceedings": "incidents",  # "178 criminal proceedings over the deaths of"
    "attacks": "incidents",
    "losses": "killed",
}
# Things that are counted but are not people: "shot down 27 of 34 drones", "14 armoured vehicles".
THING_NOUNS = set(
    """drones uavs missiles rockets shells rounds bombs munitions submunitions warheads tanks
    vehicles apcs ifvs bmps btrs trucks pickups cars buses aircraft planes jets helicopters boats
    ships vessels guns howitzers mortars launchers systems radars sorties strikes assaults
    positions trenches dugouts bunkers kilometres kilometers km miles metres meters hectares
    tonnes tons buildings homes houses apartments flats schools hospitals clinics shops
    settlements villages towns cities regions districts bridges roads calls messages interviews
    questions votes points videos photos images posts documents pages files subscribers followers
    views items kits tourniquets packages parcels weapons rifles firearms grenades mines
    requests applications rubles roubles dollars euros hryvnias storeys floors kilograms""".split()
    # People counted for what they are suspected of, not for harm they suffered: "identified 4
    # suspects in the killing of 7 civilians".
    + ["suspects", "perpetrators"]
    # What people send about the harmed, not the harmed: "1,200 appeals from relatives of
    # missing soldiers".
    + ["appeals", "complaints", "inquiries", "enquiries", "petitions", "letters"]
)
# Nouns that are looked through: "1,200 reports of missing soldiers" counts soldiers.
TRANSPARENT_NOUNS = {"reports", "allegations", "accounts", "names", "identities"}

# --- Victim nouns ------------------------------------------------------------------------------
# Head noun (lower case) -> category. Multi-word heads are written with spaces.
VICTIM_NOUNS: dict[str, str] = {}
for _cat, _words in {
    "pow": "prisoners of war|prisoner of war|pows|powS|prisoners|prisoner|captives|captive|"
    "detainees|hostages",
    "civilian": "civilians|civilian|residents|inhabitants|children|child|kids|minors|boys|girls|"
    "babies|infants|teenagers|women|woman|elderly|pensioners|passengers|journalists|reporters|"
    "medics|doctors|nurses|paramedics|rescuers|firefighters|volunteers|aid workers|workers|"
    "employees|teachers|students|patients|farmers|miners|drivers|villagers|locals|families|"
    "priests|deportees|citizens|adults|evacuees|refugees|shoppers|worshippers|"
    "humanitarian workers|electricians|engineers|staff|fishermen|builders|pedestrians|motorists|"
    "cyclists|bystanders|civil servants|police officers|policemen|rescue workers|emergency workers|"
    "deminers|schoolchildren|pupils|toddlers|newborns|youths|adolescents|mothers|fathers|sons|"
    "daughters|wives|husbands|neighbours|neighbors|tenants|guests|customers|spectators|clergy|"
    "monks|nuns|retirees|seniors|railway workers|utility workers|power engineers|medical workers|"
    "health workers|healthcare workers|media workers|drivers|truck drivers|abductees|"
    "grandchildren|grandsons|granddaughters|grandmothers|grandfathers|grandparents|"
    # one of them: "1 resident was killed", "one volunteer was wounded"
    "resident|volunteer|medic|doctor|nurse|paramedic|rescuer|firefighter|worker|employee|"
    "teacher|student|patient|farmer|driver|villager|journalist|reporter|pensioner|passenger|"
    "girl|boy|baby|infant|teenager|policeman|police officer|aid worker|deminer|electrician",
    "combatant": "soldiers|soldier|troops|servicemen|serviceman|servicemembers|service members|"
    "servicewomen|military personnel|personnel|fighters|militants|mercenaries|marines|"
    "paratroopers|infantrymen|conscripts|mobilised|mobilized|reservists|officers|commanders|"
    "defenders|occupiers|invaders|pilots|sailors|gunners|snipers|sappers|combatants|guardsmen|"
    "guards|militiamen|separatists|stormtroopers|assault troops|crew members|crewmen|recruits|"
    "convicts|servicepeople|warriors|comrades|comrades-in-arms|brothers-in-arms|scouts|"
    "operators|border guards|national guardsmen|"
    "special forces|partisans|insurgents|legionnaires|contract soldiers|airborne troops|"
    "naval infantrymen|tankmen|drone operators|artillerymen|riflemen|motorised riflemen|"
    "motorized riflemen|military servicemen|enemy personnel|militia|volunteer fighters|"
    "officer|commander|marine|paratrooper|conscript|fighter|pilot|guard|border guard|sapper",
    "unknown": "people|persons|person|individuals|men|man|victims|others|ukrainians|russians|"
    "family members|relatives|inmates|men and women|occupants|guys|lads|brothers|sisters|"
    "parents|siblings|spouses",
}.items():
    for _w in _words.split("|"):
        VICTIM_NOUNS[_w.lower()] = _cat
# Lower-cased heads ordered longest first so "prisoners of war" wins over "prisoners".
VICTIM_HEADS = sorted(VICTIM_NOUNS, key=lambda w: -len(w.split()))

# Modifiers inside the victim phrase that settle its category whatever the head noun says.
CATEGORY_MODIFIERS: dict[str, str] = {
    "civilian": "civilian",
    "captured": "pow",
    "surrendered": "pow",
    "surrendering": "pow",
    "imprisoned": "pow",
    "disarmed": "pow",
    "military": "combatant",
}
# Words in the sentence that say combatants were hors de combat, so their killing or capture
# is about prisoners of war.
POW_CONTEXT = re.compile(
    r"\b(?:surrender\w*|captur\w*|captivity|captive\w*|hors de combat|"
    r"(?:laid|laying|lay|had laid) down (?:their )?(?:arms|weapons)|"
    r"(?:raised|raising) (?:their )?hands|hands (?:up|raised)|disarmed|"
    r"prisoners?|taken prisoner|in custody|unarmed|pows?)\b",
    re.I,
)
# A killing of prisoners or of combatants hors de combat is an execution whatever the verb
# ("shot dead after surrendering", "the killing of three prisoners"), except a toll of deaths in
# captivity whose manner is not given, or deaths from a strike, blast or shelling.
NOT_AN_EXECUTION = re.compile(
    r"\b(?:(?:killed|died|dead|deaths?)\s+(?:\w+\s+){0,2}(?:in|while in)\s+"
    r"(?:russian\s+|ukrainian\s+)?(?:places?\s+of\s+)?(?:captivity|custody|detention|internment)"
    r"|strikes?|struck|shelling|shelled|explosions?|blasts?|missiles?|artillery|bomb\w*|"
    r"air ?raids?|airstrikes?)\b",
    re.I,
)
# Victims named as held or hors de combat ("Ukrainian POWs", "surrendering soldiers").
HELD_VICTIMS = re.compile(
    r"\b(?:prisoners?|pows?|captives?|surrender\w*|disarmed|captured)\b", re.I
)
# After the number, in its clause: the people it counts had stopped fighting.
HORS_DE_COMBAT_AFTER = re.compile(
    r"^[^.;:]{0,120}?\b(?:hors de combat|(?:who|that|after|while|as|when|having|once|with|"
    r"despite)\s+(?:[\w'’]+\s+){0,4}?(?:surrender\w*|gave themselves up|disarmed|"
    r"(?:laid|laying|lay) down (?:their )?(?:arms|weapons)|(?:raised|raising) (?:their )?hands|"
    r"hands (?:up|raised|on their heads)|(?:been|being) (?:captured|taken prisoner)))\b",
    re.I,
)
# Words that stand alone before "reports" or "claims" as their adjective, never as a speaker:
# "Ukrainian reports that ...", "earlier claims".
ADJECTIVES_BEFORE_REPORTS = frozenset(
    """ukrainian russian belarusian western foreign local earlier initial preliminary unconfirmed
    unverified conflicting separate similar such other false new later recent""".split()
)
# Events that make combatant victims prisoners of war by themselves.
POW_EVENTS = {"captured", "surrendered", "executed"}

# Words that may stand between the number and its head noun (adjectives, nationalities).
# Anything capitalised is allowed too; anything else ends the victim phrase.
MODIFIERS = set(
    """ukrainian russian belarusian chechen foreign wagner unarmed wounded injured captured
    surrendered surrendering missing dead executed killed elderly young old other more innocent
    local unclaimed released civilian military enemy allied fellow further additional own regular
    nato north korean korean kadyrov mobilised mobilized ordinary armed detained
    fallen deceased slain murdered tortured abducted deported seriously severely critically
    badly lightly slightly volunteer
    """.split()
)
# Function words that never qualify a people noun as the first word of a compound.
NOT_NOUN_MODIFIERS = set(
    """and but or nor the for from with into onto over under after before were was are had has
    have been more such what which who whom whose that this these those than then also only
    just all both each every any some many most few other their his her its our
    your including excluding among amongst between against near inside outside without
    during across toward towards around about beside besides behind except like per via
    plus minus versus namely mostly mainly largely primarily chiefly when where while not
    nor yet whether""".split()
)
# Adjectives that may stand before an event noun: "86 criminal cases", "12 violent deaths".
EVENT_NOUN_MODIFIERS = set(
    """criminal separate new confirmed verified documented credible reported alleged recorded
    violent fatal serious further additional more other such similar civilian military combat
    non-combat registered known""".split()
)
# Words after the number that mean the number is not a count of harmed people.
NON_CLAIM_FOLLOWERS = re.compile(
    r"^(?:%|per\s*cent|percent|pc\b|percentage|years?\b|-year|year-old|months?\b|weeks?\b|days?\b|"
    r"hours?\b|minutes?\b|seconds?\b|km\b|kilomet|mile|met(?:re|er)s?\b|m\b|kg\b|kilo|tonn?e|"
    r"degrees?\b|times\b|dollars?|euros?|hryvni|roubles?|rubles?|uah\b|usd\b|eur\b|"
    r"billion|bn\b|million dollars|[a-z]+-(?!strong))",
    re.I,
)
CURRENCY_BEFORE = re.compile(r"(?:[$€£₴]|US\$|USD|EUR|UAH)\s*$")
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
AGE_BEFORE = re.compile(
    r"\b(?:aged|age|ages|aged between|ageing)\s*$|"
    # "2 men aged 38 and 61": the second age too
    r"\baged\s+\d{1,3}(?:\s*(?:,|and|or|to|-|–)\s*\d{1,3})*\s*(?:,|and|or|to|-|–)\s*$",
    re.I,
)
# A figure someone denies or dismisses is not asserted by the sentence: "Police dismissed
# social media reports that 20 people had died" (the police's own figure follows, if any).
DISMISSED_BEFORE = re.compile(
    r"\b(?:dismissed|denied|denies|deny|rejected|rejects|refuted|refutes|debunked|disputed)\s+"
    r"(?:[\w'’-]+\s+){0,4}?(?:reports?|claims?|rumou?rs?|allegations?|suggestions?)\s+"
    # up to the number, unless the denier's own words begin (", saying 3 were killed")
    r"(?:that|of)\b(?:(?!,\s*(?:saying|adding|but|while|instead|and said)\b)[^.;!?])*$",
    re.I,
)
# "an earlier report of 9 dead was wrong": a figure the sentence calls wrong.
WRONG_FIGURE_BEFORE = re.compile(
    r"\b(?:reports?|claims?|figures?|rumou?rs?|estimates?|tolls?)\s+of\s+"
    r"(?:(?:at least|more than|over|about|some|up to|as many as)\s+)?$",
    re.I,
)
WRONG_FIGURE_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:was|were|is|are|had been|has been|have been|proved|proved to be)\s+"
    r"(?:wrong|false|inaccurate|incorrect|untrue|exaggerated|mistaken|fake|erroneous)\b",
    re.I,
)
# "the UN was 'appalled' by reports that 50 civilians had been killed": reports that no one
# is named for; the one appalled by them does not claim the figure.
UNSOURCED_REPORTS = re.compile(
    r"\b(?:by|about|over|at|of|on|amid)\s+(?:(?:unconfirmed|unverified|media|press|local|"
    r"initial|early|the)\s+)?(?:reports?|claims?|accounts?)\s+that\b[^.;!?]*$",
    re.I,
)
# A figure the outlet itself withdraws: "An earlier version of this article said 15 people
# were killed" (the correct figure follows).
RETRACTED_BEFORE = re.compile(
    r"\b(?:earlier|previous|original|first)\s+version\s+of\s+this\s+(?:article|story|report|"
    r"piece|post)\b[^.;!?]*$",
    re.I,
)
# A toll foreseen is not a toll counted: "feared the toll could exceed 20", "may rise to 30".
PROJECTED_BEFORE = re.compile(
    r"\b(?:could|may|might|would|will|is expected to|are expected to|was expected to|"
    r"were expected to|is likely to|threatens to)\s+(?:still\s+)?"
    r"(?:rise|climb|grow|exceed|reach|top|pass|increase|surpass|go up|lose|kill)"
    r"(?:\s+(?:to|above|beyond|past))?\s+"
    r"(?:(?:at least|more than|over|as many as|about|around|some|nearly)\s+)?$",
    re.I,
)
# "up to 100 workers could die in a single strike": a toll feared, not counted.
PROJECTED_AFTER = re.compile(
    r"^\s*(?:[\w'’-]+\s+){0,3}?(?:could|may|might|would|will)\s+(?:still\s+|also\s+)?"
    r"(?:die|be killed|be wounded|be injured|lose their lives|perish|be lost)\b",
    re.I,
)
# "Posts circulating on Telegram claiming that 15 crew members had died were 'fake'".
CLAIM_REPORTED_BEFORE = re.compile(
    r"\b(?:posts?|reports?|claims?|videos?|messages?|rumou?rs?|publications?)\b[^.;!?]*"
    r"\b(?:claiming|saying|alleging|suggesting|stating)\s+(?:that\s+)?[^.;!?]*$",
    re.I,
)
CALLED_FAKE_AFTER = re.compile(
    r"^[^.;!?]*?\b(?:were|was|are|is|as)\s+(?:(?:a|an|pure|simply|obviously)\s+)?[“\"'‘]?"
    r"(?:fakes?|false|untrue|disinformation|fabricated|fabrications?|propaganda|lies|a lie)\b",
    re.I,
)
# A toll of another war in a clause about it: "The Second World War, in which some 27 million
# Soviet citizens were killed".
OTHER_WAR = re.compile(
    r"\b(?:Second World War|First World War|World War (?:II|Two|2|I|One|1)|WWII|WW2|WWI|"
    r"Great Patriotic War|Holodomor|Soviet-Afghan War|Soviet war in Afghanistan|"
    r"(?:first|second) Chechen war)\b[^.;!?]{0,12}\b(?:in which|when|during which|where)\b"
    r"[^.;!?]{0,40}$",
    re.I,
)
# "three bodies had been counted twice": a correction's duplicates, not more people harmed.
COUNTED_TWICE_AFTER = re.compile(
    r"^\s*(?:[\w'’-]+\s+){0,2}(?:had been|have been|has been|were|was)\s+"
    r"(?:counted twice|double[- ]counted|counted more than once|counted in error|miscounted)",
    re.I,
)
CALLSIGN_BEFORE = re.compile(
    r"(?:call[ -]?sign|codename|code name|nicknamed|nickname|number|no\.|№|unit|brigade|"
    r"battalion|regiment|division|corps|group|squad|platoon|company|flight)"
    r"\s*(?:['\"‘“][\w-]*|[\w-]*\d[\w-]*)?\s*$",
    re.I,
)

# --- Qualifiers --------------------------------------------------------------------------------
# Phrase before the number -> qualifier. Checked against the text just before the number.
QUALIFIER_BEFORE: list[tuple[str, str]] = [
    (
        r"at (?:the very )?least|no fewer than|not fewer than|no less than|not less than|more than|"
        r"over|upwards of|in excess of|a minimum of|at minimum|above|exceeding|exceeded|"
        r"surpass(?:ed|ing)",
        "at_least",
    ),
    (
        r"as many as|up to|as high as|no more than|not more than|fewer than|less than|under|"
        r"at (?:the )?most|a maximum of|at maximum",
        "at_most",
    ),
    (
        r"about|around|roughly|approximately|approx\.?|some|an estimated|estimated|nearly|almost|"
        r"close to|circa|c\.|in the region of|an approximate|or so|just over|just under|"
        r"somewhere around|more or less|reportedly|maybe|perhaps|possibly",
        "approx",
    ),
]
QUALIFIER_BEFORE_RE = [(re.compile(rf"\b(?:{p})\s*$", re.I), q) for p, q in QUALIFIER_BEFORE]
QUALIFIER_AFTER: list[tuple[str, str]] = [
    (r"or more|and more|plus|\+|or so|and above", "at_least"),
    (r"or fewer|or less|at most", "at_most"),
]
QUALIFIER_AFTER_RE = [(re.compile(rf"^\s*(?:{p})\b", re.I), q) for p, q in QUALIFIER_AFTER]
RANGE_OPENERS = re.compile(r"\b(?:between|from|somewhere between)\s*$", re.I)
RANGE_JOINERS = re.compile(r"^\s*(?:and|to|-|–|—|or)\s*$", re.I)

# --- Attribution -------------------------------------------------------------------------------
# Verbs that introduce who asserts a claim, in the forms they take after the claimant.
ATTRIBUTION_VERBS = (
    r"said|says|say|saying|told|tells|reported|reports|report|announced|announces|stated|states|"
    r"claimed|claims|claim|claiming|estimated|estimates|estimate|documented|documents|recorded|"
    r"records|verified|verifies|confirmed|confirms|acknowledged|acknowledges|admitted|admits|corroborated|corroborates|"
    r"admitting|added|adds|wrote|writes|posted|noted|notes|assessed|assesses|found|finds|"
    r"counted|counts|believes|believed|believe|established|establishes|boasted|boasts|"
    r"alleged|alleges|registered|insisted|insists|warned|revealed|reveals|concluded|concluding|"
    # "The embassy accused Ukraine of killing 28": its claim; "A soldier accused of killing
    # 3" is the one accused, not accusing
    r"(?<!was )(?<!were )(?<!been )(?<!is )(?<!are )accused(?!\s+of\b)|accuses|accusing|"
    r"puts? the (?:death )?toll|"
    r"puts? (?:the|that|this|its|their) (?:number|figure|total|count|tally)|"
    # "the State Emergency Service revised the toll down to 9": a correction's new figure
    r"(?:revised|raised|lowered|updated|corrected|increased) (?:the|that|this|its|their) "
    r"(?:death )?(?:toll|number|figure|total|count|tally)|"
    r"geolocated|tallied|calculated|informed|informs|"
    r"indicated|indicates|testified|disclosed|declared|published|asserted|asserts|"
    r"received (?:credible )?(?:allegations|reports)|(?:is|was|are|were|has been|became) aware|"
    r"opened(?! fire)|initiated|instituted|"
    # "The ministry strongly condemns the strike on Sumy, which killed 35 civilians"
    r"(?:strongly\s+|firmly\s+)?(?:condemns|condemned|condemn|denounced|denounces)|"
    # "The Prosecutor's Office has launched a pre-trial investigation into ...": the office
    # that investigates is whose findings the next sentences give.
    r"(?:launched|started|began)\s+(?:a\s+|an\s+)?(?:pre-trial\s+|criminal\s+)?"
    r"(?:investigation|proceedings|probe|inquiry)|"
    # A claimant who cites incidents as examples: "They cite the execution of 6 marines".
    r"cited|cites|cite|point(?:s|ed)? to|gave the example|gives the example|highlighted|"
    r"described|describes|listed|lists|named|names|"
    # "The office gave new figures on Monday. Since ..., 1,289 civilians have been killed"
    r"(?:gave|give|gives|released|provided|updated|issued)\s+(?:its\s+|their\s+)?"
    r"(?:new |updated |the latest |latest |fresh |official )?(?:figures|data|numbers|toll)|"
    # Who found or recovered the dead is the source of the count: "Divers recovered 4 bodies".
    r"recovered|retrieved|pulled|exhumed|discovered|unearthed|identified|removed|located"
)
AUX = r"(?:has|have|had|also|previously|earlier|now|later|separately|has also|have also|had also|has since|would|will)"  # noqa: E501 - one regex alternative per line reads best
PRONOUNS = {"he", "she", "it", "they", "we", "i", "you"}
OBJECT_PRONOUNS = {"him", "her", "them"}  # "according to her": the person named before
# What a claimant's head is: a person's role ("governor", "the head of ...") or a body's name
# ("ministry", "police"); the head stands before its "of ..." complement or after a possessive.
CLAIMANT_COMPLEMENT = re.compile(r",|\s+(?:of|for|at|in|with|from|to)\s+", re.I)
PERSON_ROLE = re.compile(
    r"\b(?:governor|mayor|commander|spokes(?:man|woman|person)|head|chief|minister|president|"
    r"official|officer|adviser|advisor|doctor|surgeon|medic|nurse|resident|soldier|ombudsman|"
    r"commissioner|prosecutor|director|deputy|secretary|chairman|chairwoman|blogger|witness|"
    r"volunteer|colonel|captain|sergeant|lieutenant|analyst|researcher|mother|"
    r"father|wife|husband|son|daughter|man|woman|Mr|Mrs|Ms|Dr)\b",
    re.I,
)
BODY_WORDS = re.compile(
    r"\b(?:ministry|office|police|service|mission|staff|administration|council|brigade|corps|"
    r"army|forces|government|committee|agency|department|headquarters|command|directorate|"
    r"guard|navy|authorities|prosecutors|officials|monitors|observatory|group|organi[sz]ation|"
    r"UN|OHCHR|HRMMU|centre|center|channel|institute|unit|battalion|regiment|military|"
    r"intelligence|ministries|network|project|watch|amnesty|kremlin|ukraine|russia|moscow|kyiv|kiev|washington|minsk)\b",
    re.I,
)
# Verbs of showing that end a source phrase: "data from the department showed that ...".
_SHOWING = r"show(?:s|ed|n)?|suggest(?:s|ed)?|indicate[sd]?|reveal(?:s|ed)?|put(?:s)?"
# Phrases that carry the claimant after them.
ACCORDING_TO = re.compile(
    r"\b(?:according to|citing|quoting|cited by|as reported by|as documented by|"
    # A prosecutors' release: "Under the procedural guidance of the X Prosecutor's Office, ..."
    r"under the procedural (?:guidance|leadership|supervision) of|"
    rf"figures (?:from|by)|data (?:from|by)|estimates? (?:from|by)|"
    r"per(?!\s+(?:day|week|month|year|hour|night|minute|capita|cent|person|head|km)\b))\s+"
    rf"(?P<who>[^,;:.()\"“”]+?)(?=\s*(?:[,;:.()\"“”]|$|\s+(?:that|who|which|{_SHOWING})\b)|"
    # "Figures from the Ukrainian side could not be verified": the phrase ends at its verb
    r"\s+(?:could|can|cannot|may|might|has|have|had|is|are|was|were)\s+(?:not\s+)?(?:be|been)\b)",
    re.I,
)
# "according to our sources": the speaker's own, so the speaker is the claimant.
OWN_SOURCES = re.compile(r"^(?:our|my)\b", re.I)
# "According to the investigation, ...": the findings of the office whose release this is.
OWN_INVESTIGATION = re.compile(
    r"^(?:the\s+)?(?:pre-trial\s+|preliminary\s+)?(?:investigation|investigation's findings|"
    r"case files?|case materials|materials of the case|inquiry|probe)$",
    re.I,
)
AGE_AFTER = re.compile(r"[-\s]years?[-\s]old\b", re.I)  # "a 54-year-old teacher": an age
# A verb of finding or believing, or one with a plain object ("posted a photo"): what the
# sentence tells is a deed or a belief, not a statement later figures continue.
NOT_A_STATEMENT = re.compile(
    r"\b(?:found|finds|believes|believed|believe|fears|feared|hopes|hoped)\b|"
    r"\b(?:posted|wrote|writes|published|shared|described|recorded|told|counted)\s+"
    r"(?:a|an|his|her|their|its|my|our|residents|people|reporters)\b|"
    # "Figures from the Ukrainian side could not be verified.": the writer's caveat
    r"\b(?:could|can|cannot|can't)\s+(?:not\s+)?(?:be\s+)?(?:independently\s+)?"
    r"(?:verified|verify|confirmed|confirm)\b",
    re.I,
)
# "The number of civilians killed in the region rose to 1,024": whom the figure counts.
NUMBER_OF_PEOPLE = re.compile(
    r"\b(?:number|toll|count) of (?P<who>[A-Za-z][\w'-]*(?: [A-Za-z][\w'-]*)?) "
    r"(?:killed|dead|wounded|injured|captured|missing|executed)\b[^,;:.]{0,60}"
    r"\b(?:rose to|reached|climbed to|increased to|stood at|stands at|is|was|has risen to|"
    r"had risen to|grew to|hit)\s+(?:(?:at least|more than|over|about|nearly|almost)\s+)?$",
    re.I,
)
# "Of the Ukrainians freed, 20 had been wounded": the people a bare count is a part of, named
# in the phrase that opens its sentence.
PEOPLE_OF_PART = re.compile(
    r"(?:^|\bthat\s*,|\bsaid\s*,)\W*(?:of|among)\s+(?:the|those|these|my|our|his|her|their)\s+"
    r"(?:(?:\d[\d,]*|some|about|nearly|almost)\s+)*"  # "Of the 600 men I had in the spring,"
    r"(?P<who>(?:[A-Za-z][\w'-]*\s+){0,2}?"
    r"[A-Za-z][\w'-]*?s(?:\s+of\s+war)?)(?:\s+[a-z]+(?:ed|en)|\s+(?:held|freed|hit|caught|in\s+[^,]{1,30})|"
    r"\s+(?:who|whose|that|I|we|he|she|they|it)\s+[^,]{1,90})?"
    r"\s*,\s*$",
    re.I,
)
# The subject a sentence opens with, up to its first verb in the past: "The commission
# interviewed", "Ukraine's prosecutors had visited".
OPENING_SUBJECT = re.compile(
    r"^(?P<who>(?:The|A|An|[A-Z][\w'’-]*)(?:\s+[\w'’-]+){0,6}?)\s+(?:has\s+|have\s+|had\s+)?"
    r"(?:not\s+|never\s+|also\s+|already\s+)?[a-z]+ed\b"  # "Russia has not disclosed"
)
# A sentence that opens a new item of news: a statement before it does not continue into it.
TOPIC_SHIFT = re.compile(
    r"^\s*(?:separately|elsewhere|meanwhile|in (?:a )?separate (?:incident|attack|strike)s?|"
    r"in another (?:incident|attack|strike)|in other news)\b",
    re.I,
)
# A bulletin signed without a dash: "The head of the OVA Oleksandr Prokudin." (a role, then a
# name, and no verb).
# A signature's trailing note of where and how it was published: "(Telegram, translated)".
SIGNATURE_NOTE = r"(?:\s*\([^()]{0,60}\))?\.?$"
BARE_SIGNATURE = re.compile(
    r"^(?P<who>(?:The\s+)?(?:(?:[A-Z][\w'’-]*\s+){0,3}(?:Commissioner|Ombudsman|Ombudsperson)"
    r"\s+(?:for|of)|(?:head|chief|governor|mayor|spokesperson|spokesman|spokeswoman|"
    r"commander|deputy head)\s+of)\s+[^.!?;:,()]{2,80}?\s+[A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+)"
    + SIGNATURE_NOTE
)
# ... or with the name first: "Serhiy Lysak, head of Dnipropetrovsk OVA" (a line of its own).
NAME_ROLE_SIGNATURE = re.compile(
    r"^(?P<who>[A-Z][a-z'’-]+\s+[A-Z][a-z'’-]+,\s+(?i:(?:the\s+)?(?:acting\s+|deputy\s+)?"
    r"(?:head|chief|governor|mayor|spokesperson|spokesman|spokeswoman|commander)\s+of)\s+"
    r"[^.!?;:,]{2,80}?)\.?$"
)
# Where a clause with a claimant of its own may start: "..., while the governor put it at 7".
CONTRAST_CLAUSE = re.compile(r"(?:,\s*|\s+)(?:while|whereas|but|though|although)\s+|;\s*", re.I)
# People a military speaker calls "our men": the unit's own fighters.
OUR_PEOPLE = {"men", "guys", "lads", "boys"}
MILITARY_SPEAKER = re.compile(
    r"\b(?:commanders?|brigade|battalion|regiment|company|platoon|squad|unit|division|corps|"
    r"detachment|soldiers?|officers?|sergeant|lieutenant|captain|major|colonel|general|"
    r"fighters?|marines?|paratroopers?|gunners?|operators?|medics? of)\b",
    re.I,
)
# Participles without "-ed" that qualify people after their noun ("the 360 people held there").
IRREGULAR_PARTICIPLES = {"held", "shot", "hit", "taken", "kept", "caught"}
# A phrase that ends where its noun should follow cannot be a sentence's subject.
UNFINISHED_PHRASE = re.compile(
    r"(?:^|\s)(?:according(?:\s+to)?|to|of|by|for|from|with|in|on|at|the|a|an|its|their|his|"
    r"her|our)$",
    re.I,
)
# "..., the ombudsman said, citing witness accounts." / "TASS, quoting the administration, said":
# the source the speaker cites, at the end of the sentence or set off by commas.
CITING_CLAUSE = re.compile(
    r",\s*(?:citing|quoting)\s+(?P<who>[^,;]+?)(?:,\s*|(?=\s*[.!?\"”']*$))", re.I
)
# "shared a Telegram post from the village council saying 3 people had been killed": the
# post's author says it, not the one who shares it.
POST_FROM = re.compile(
    r"\b(?:post|message|statement|video|notice|update|bulletin)\s+(?:from|by)\s+"
    r"(?P<who>[^,;.:\"“”]+?)\s+(?:saying|stating|reporting|claiming|which said|that said)\b",
    re.I,
)
# "the ISW wrote that Russian milbloggers claimed 'over 100' ... were killed": a claim the
# writer relays at a distance is the one who claimed it.
RELAYED_CLAIM = re.compile(
    r"\b(?:said|says|wrote|writes|reported|reports|noted|notes|added)\s+that\s+"
    r"(?P<who>[A-Za-z][^,;:.\"“”]{2,60}?)\s+(?:had\s+|have\s+|has\s+)?"
    r"(?:claimed|claim|claims|alleged|alleges|boasted|boasts)\b"
    r"(?!\s+(?:the\s+lives|[\w,]+\s+(?:more\s+)?lives)\b)",  # "the strike claimed 12 lives"
)
# What an outlet cites of its own: "citing its own tally", "citing its reporters".
OWN_FIGURES = re.compile(
    r"(?:its|their|our)\s+(?:own\s+)?(?:tally|count|reporting|reporters|"
    r"correspondents?|journalists|analysis|investigation|sources|data)\b",
    re.I,
)
# "claims by Russian officials that 14 civilians were killed": whose claims they are.
CLAIMS_BY = re.compile(
    r"\b(?:claims?|reports?|statements?|figures?|allegations?|assertions?)\s+(?:made\s+)?by\s+"
    r"(?P<who>[^,;.:\"“”]+?)\s+that\b",
    re.I,
)
# Who passes a figure on rather than asserting it: the cited source is the claimant.
NEWS_OUTLET = re.compile(
    r"\b(?:Reuters|AP|AFP|Associated Press|Agence France-Presse|TASS|Interfax(?:-Ukraine)?|"
    r"RIA(?: Novosti)?|Ukrinform|Suspilne|BBC|CNN|Kyiv Independent|news agency|"
    r"Ukrainska Pravda|Kyiv Post|Hromadske|Meduza|Mediazona|Novaya Gazeta|Kommersant|RBC|"
    r"The Guardian|New York Times|Washington Post|Wall Street Journal|Financial Times|"
    r"Al Jazeera|Bloomberg|Radio Liberty|Radio Svoboda|RFE/RL|Deutsche Welle|DW|UNIAN|"
    r"(?:state|local|Russian|Ukrainian|Western)\s+(?:media|outlets?|newspapers?|television|TV)|"
    r"media|newspaper|broadcaster)\b",
    re.I,
)
QUOTED_AS_SAYING = re.compile(r"\bquot\w* (?P<who>[^,;]+?) as saying\b", re.I)
# "The ombudsman, Name, was quoted by RIA Novosti as saying that ...": the one quoted.
QUOTED_PASSIVE = re.compile(
    r"^(?P<who>[^;:\"“”]+?),?\s+(?:was|were|is|has been|had been)\s+quoted\s+"
    r"(?:by\s+[^,;]+?\s+)?as\s+saying\b",
    re.I,
)
# A list item after a participle ("..., using obituaries, local news reports."): its last
# word may look like a verb of saying, but the list names no claimant.
LIST_AFTER_PARTICIPLE = re.compile(
    r"^\s*(?:using|including|citing|such as|based on|drawing on|like|from)\b", re.I
)
# Words that may open a subject phrase but are not part of the claimant.
SUBJECT_OPENERS = re.compile(
    r"^(?:(?:and|but|while|whereas|then|so|however|meanwhile|also|separately|earlier|later|"
    r"on \w+|last \w+|this \w+|in a statement|in its report|on telegram|that|only|just|even|"
    # "Since February 2022 the centre has recorded ...", "In May 2025 the Mission ..."
    rf"(?:since|in|by|until)\s+(?:(?:{MONTHS})\.?(?:\s+\d{{4}})?|(?:19|20)\d{{2}})|"
    r"reportedly|thus|now|since|finally)\b[\s,]*)+",
    re.I,
)
# A time that opens a sentence before its subject: "On Saturday the State Emergency Service".
TIME_OPENER = re.compile(
    r"^(?:(?:on|last|this|early|late|by)\s+(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|morning|afternoon|evening|night|week|month|day)|"
    # "In May the police said ...", "Since February 2022 the centre has recorded ..."
    rf"(?:since|in|by|until)\s+(?:(?:{MONTHS})\.?(?:\s+\d{{4}})?|(?:19|20)\d{{2}})|"
    # "In Kharkiv the police said ...": a place before the subject's article
    r"in\s+(?-i:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})(?=\s*,?\s+(?:the|its)\s))\b[\s,]*",
    re.I,
)
# "An X account run by the regional police": the police.
ACCOUNT_RUN_BY = re.compile(
    r"^(?:an?|the|its|their)\s+(?:[\w-]+\s+){0,2}?(?:account|channel|page|feed)\s+"
    r"(?:run|operated|managed|maintained)\s+by\s+(?P<who>.+)$",
    re.I,
)
# "..., the governor said, a day after 5 people died in ...": the writer's background, which
# the speaker named before it did not say.
BACKGROUND_AFTER_SPEAKER = re.compile(
    r",\s*[^,;]{2,80}?\s+(?:said|says|reported|told [\w' ]+?),\s*(?:a|one|two|three|four|five|"
    r"several|\d+)\s+(?:days?|hours?|weeks?|months?)\s+(?:after|before)\b[^,;]*$",
    re.I,
)
# Words that cannot be a claimant by themselves.
NOT_CLAIMANTS = {
    "there",
    "this",
    "that",
    "which",
    "who",
    "what",
    "reports",
    "report",
    "footage",
    "video",
}

# Words that say the counted people did the harm, not suffered it.
PERPETRATOR_CUES = re.compile(
    r"\b(?:suspected|accused|charged|convicted|responsible|involved|implicated|ordered)\b", re.I
)
# A count right after a verb of charging or arresting counts suspects, not victims: "has
# charged 3 Ukrainian soldiers in absentia with killing civilians".
# "identified 11 Russian servicemen they believe took part in the killings": suspects.
SUSPECTS_AFTER = re.compile(
    r"^\s*(?:[\w'’-]+\s+){0,4}?(?:who|whom|that|they believe|believed to have|suspected of|"
    r"allegedly|accused of)\b[^.;]{0,40}?\b(?:took part|taken part|participated|were involved|"
    r"was involved|responsible|carried out|committed|ordered)\b",
    re.I,
)
SUSPECTS_BEFORE = re.compile(
    r"\b(?:charged|charges|indicted|convicted|sentenced|arrested|detained|"
    r"notified|accused|prosecuted)\s+(?:(?:at least|more than|over|about|some)\s+)?$",
    re.I,
)
# A part of people exchanged, freed or brought home is not a harm claim: "exchanged 95
# prisoners each, among them 22 wounded soldiers".
PART_OF_RETURNED = re.compile(
    r"\b(?:exchanged|released|freed|returned|repatriated|evacuated|swapped|brought (?:back|home)|"
    r"handed over|rescued)\b[^.;:!?]*(?:\bincluding|\bamong (?:them|whom|those)(?: were)?|"
    r"\bof (?:them|whom))\s*(?:(?:at least|some|about|more than|over)\s+)?$",
    re.I,
)
SURVIVORS = re.compile(r"\bsurvivors?\b", re.I)
SURVIVORS_AFTER = re.compile(r"^\s*(?:[\w'’-]+\s+)?survivors?\b", re.I)
# People named as come home: their captivity is what the exchange ended, not a new capture.
RETURNED_PEOPLE = re.compile(
    r"(?:returned|released|freed|exchanged|repatriated|swapped|liberated)\b", re.I
)
# Cases about things, not people: "proceedings into the destruction of civilian property".
PROPERTY_CASES_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:proceedings|cases|investigations|probes)\s+"
    r"(?:into|over|for|on|regarding|concerning|about)\s+(?:the\s+)?"
    r"(?:destruction|damage|damaging|destroying|looting|theft|seizure)\b"
    r"(?:(?!\b(?:kill|death|dead|died|injur|wound|murder|tortur|execut|people|civilians|"
    r"residents|children)\w*)[^.;!?])*(?:[.;!?]|$)",
    re.I,
)
# Cases and proceedings are harm incidents only when the sentence says what harm they are
# about ("62 criminal proceedings into the killing of civilians"), not "for collaboration".
HARM_CONTEXT = re.compile(
    r"\b(?:kill|death|dead|died|murder|execut|tortur|rap(?:e|ed|es)\b|wound|injur|shell|strike|"
    r"attack|bomb|deport|abduct|disappear|ill-treat|mistreat|war crime|violat)",
    re.I,
)
# Words before a number that make it part of a larger group already counted.
INCLUSION_CUES = re.compile(
    r"(?:\bincluding|\bamong (?:them|whom|those|these|the victims|the dead)(?: were)?|"
    r"\bof (?:them|whom|those|these)|\bof which)\s*"
    r"(?:at least |some |about |nearly |around |more than |over |almost |up to )?$",
    re.I,
)
# Openings that tie a sentence to the claim before it ("Of those, 109 were killed").
ANAPHORA = re.compile(
    r"^\W*(?:of (?:those|these|them|whom|the total|this number|that number)|among (?:them|those|these|"  # noqa: E501 - one regex alternative per line reads best
    r"the victims|the dead)|this (?:number|figure|total) includes?|(?:they|these) include|"
    r"another|a further|in addition|the remaining|the rest|the others|of the (?:victims|dead))\b",
    re.I,
)
# "Of those killed, 28 were children": the part's event is named in the opening phrase.
PARTITIVE_OF_EVENT = re.compile(
    r"^\W*(?:of|among)\s+(?:those|the|them)\s+(?P<ev>killed|dead|wounded|injured|executed|"
    r"captured|missing|detained|held)\b[^.;:]{0,40},\s*$",
    re.I,
)
# "A press officer later put the figure at 25": the same toll as the one before, restated.
FIGURE_PUT_AT = re.compile(
    r"\b(?:(?:put|puts|putting|placed|places)\s+(?:the|that|this|its|their|his|her)\s+"
    # "puts the number for the same year at 124"
    r"(?:figure|number|total|count|tally|estimate)(?:\s+(?:for|in|of)\s+[^,;.]{2,30}?)?\s+"
    r"(?:at|closer to|nearer to)|"
    # "later corrected the figure to 5", "revised the toll down to 9"
    r"(?:corrected|revised|raised|lowered|updated)\s+(?:the|that|this|its|their|his|her)\s+"
    r"(?:figure|number|total|count|tally|estimate|toll|death toll)\s+"
    r"(?:(?:up|down)(?:wards?)?\s+)?to)\s+"
    r"(?:(?:about|around|roughly|nearly|almost|at least|more than|over|some|just|under|"
    r"fewer than|less than|no more than|up to)\s+)?$",
    re.I,
)
# "Of those, 40 were children", "Among the dead, 3 were medics": a part of people counted.
# "Three children were among the 17 dead": the part shares the event of the toll it is in.
AMONG_THE_COUNTED = re.compile(
    r"^\s+(?:were|was|are|is)\s+(?:also\s+)?among\s+(?:the\s+)?(?:[\w,]+\s+){1,3}?"
    r"(?P<ev>dead|killed|wounded|injured|executed|missing)\b",
    re.I,
)
PART_OPENING = re.compile(r"^\W*(?:of|among)\b", re.I)
# "12 more were injured", "Thirty-two more were wounded": more of the people counted before.
MORE_OF_THE_SAME = re.compile(r"^\s+(?:more|further|additional)\s+(?!of\b)", re.I)
ANAPHORIC_NUMBER_BEFORE = re.compile(r"\b(?:another|a further|the remaining|the other)\s*$", re.I)

# --- Function words and punctuation the reader steps over or stops at --------------------------
# Punctuation that ends a clause: neither a count's noun phrase nor its event reaches past one.
CLAUSE_STOPS = {".", ";", ":", "!", "?", "(", ")", "—", "–", '"', "“", "”"}
# ... and a comma ends a noun phrase too ("executions of prisoners, 12 of them").
PHRASE_STOPS = CLAUSE_STOPS | {","}
DASHES = {"-", "–", "—"}  # "150-200", "150 – 200": a range
# The mark between a bulletin list's label and its figure: "personnel – about 615,000".
LIST_MARKS = {":", "–", "—", "‒", "-", "="}
# Words that end the search for a count's event (a new clause or a new group of people).
CONJUNCTIONS = set(
    """and but while whereas or when after before because although though whom which""".split()
)
# A conjunction that does not end the search before the number: "as many as 12 killed".
CONJUNCTIONS_BEFORE_KEPT = {"as"}
# Words between the counted people and their event that do not count against its reach
# ("12 soldiers were reportedly later confirmed killed").
FILLERS = set(
    """were was are is be been being have has had reportedly allegedly also later subsequently
    all still may might could would will confirmed believed feared presumed to remain remained
    remains listed as went who that then in the video footage of them apparently likely either
    now reported said thought left found officially since""".split()
)
# Words between an event word and a number after it that do not count against its reach
# ("the death toll from the strike has now risen to 18").
BEFORE_SKIP = set(
    """the of to at a an by rose risen reached climbed stood stands is was has had have now
    increased grew jumped hit total totalled totaled number numbered its their his her it put
    toll amounted amount amounts""".split()
)
# Auxiliaries of a passive or a state: after one, a verb is something the people underwent
# ("12 were killed"); without one, it may be something they did ("12 soldiers killed 3").
PASSIVE_AUX = set(
    """were was been be being are is got remain remained went listed confirmed feared presumed
    found""".split()
)
# Words that open a noun phrase.
DETERMINERS = set(
    """the a an their his her its our two three several many dozens hundreds all some""".split()
)
# ... of which those that open the object of an active verb ("killed the 3"; not "all").
OBJECT_DETERMINERS = DETERMINERS - {"all"}
COPULAS = {"were", "was", "are", "is"}  # "Of those, 40 were children"
RELATIVE_PRONOUNS = {"who", "that"}  # "12 soldiers who killed": the people did it
# Words before a counted head noun that are not part of the people's words.
HEAD_LEAD_WORDS = {"the", "of"}
# Words that add to a count rather than describe the people: "4 more people" are people.
COUNT_EXTENDERS = {"more", "further", "additional"}
# Words that open the people after an event noun: "executions of Ukrainian prisoners".
OF_PHRASE_OPENERS = {"of", "against", "among", "involving", "into", "on", "over", "concerning"}
# Words that open a parenthetical skipped after the people: ", including five children,".
PARENTHETICAL_OPENERS = {"including", "among", "most", "many", "mostly", "mainly", "some", "all"}
# A count joined to the one before it that names only where: "9 cases in Kyiv region and 3 in
# Chernihiv region".
ELLIPSIS_JOINERS = {"and", "while", "with", ","}
PLACE_PREPOSITIONS = {"in", "on", "near", "at", "from", "during", "across"}
# Words that cut a glued word in two when what comes before them is a people or thing noun
# ("soldiersin", "civilianskilled").
WORD_GLUE = re.compile(
    r"^(?P<head>[a-z]{3,}?)(?P<tail>in|on|at|of|and|to|from|near|were|was|had|have|who|killed|"
    r"died|wounded|injured)$"
)
ORDINAL_SUFFIX = r"(?:st|nd|rd|th)\b"  # "the 65th Brigade", "21st": a name or a rank, no count
# A capitalised month or weekday before a number is not a call sign ("Tiger 21" is).
WEAK_CAPITALS = re.compile(rf"^(?:{MONTHS}|{WEEKDAYS})$", re.I)

# --- Event words in particular roles ---------------------------------------------------------
# Participles that follow the counted people rather than head them: "11 people wounded".
PARTICIPLES = {"wounded", "injured", "dead", "killed"}
# "30 of them": a pronoun after "of" stands for people named elsewhere.
PARTITIVE_PRONOUNS = {"them", "those", "these", "whom", "which"}
PARTITIVE_OPENERS = PARTITIVE_PRONOUNS | {"the", "their", "its", "our", "his", "her", "my", "your"}
# Singular nouns that follow the counted people as a complement of "take": "took 8 men captive".
COMPLEMENTS = {"prisoner", "captive", "hostage"}
TAKE_FORMS = {"took", "take", "taken", "taking", "takes"}
# Words of an elliptical count that add to people just named: "two were killed and four more
# injured" counts more of the same people.
ELLIPTIC_MODIFIERS = {"more", "other", "others", "further", "additional"}
# Words that open a second subject coordinated with the counted people: "Two teachers and a
# guard were killed".
COORDINATED_OPENERS = {"a", "an", "the", "one", "his", "her", "their", "its"}
# "hold" after the people is not a capture ("12 soldiers hold the line").
NOT_CAPTURE_AFTER = {"hold", "holds"}
# Events the people undergo and never do to others: "12 soldiers died" is no perpetrator.
UNDERGONE_EVENTS = {"died", "surrendered", "missing"}
# "shot" before a bare number is a killing even with no people named: "shot 3".
SHOT_WORDS = {"shot", "shooting"}
# Who suffered a toll with no people named: forces that lost men, or a civilian toll.
FORCES_SUFFERED = re.compile(
    r"\b(?:forces|troops|army|military|units?|regiments?|brigades?|battalions?|companies|company|"
    r"platoons?|divisions?)\b[^.;]{0,40}\b(?:suffered|lost|sustained)\b|"
    # "Russia has suffered over 1 million casualties": a warring state's losses are its forces'.
    r"\b(?:Russia|Ukraine|Moscow|Kyiv|the enemy|the Russians|the Ukrainians)\s+"
    r"(?:(?:has|have|had)\s+)?(?:\w+ly\s+)?(?:suffered|lost|sustained)\b",
    re.I,
)
# People named without a side: "people", "persons", "men" (the toll's context may settle it).
PLAIN_PEOPLE = {"people", "persons", "men"}
CIVILIAN_TOLL = re.compile(
    r"\bcivilian (?:casualties|deaths|victims|toll|losses|fatalities|injuries)\b", re.I
)

# --- Qualifier words ---------------------------------------------------------------------------
# Words of a qualifier phrase right before the number ("at least", "no fewer than"): they do
# not count as distance from the event word, and a bulletin label stands before them.
QUALIFIER_WORDS = set(
    """at least no fewer than not less more over upwards of in excess a minimum as many up to
    high under most about around roughly approximately some an estimated nearly almost close
    another further between from somewhere just only all total maybe perhaps possibly""".split()
)

# --- Claimants ---------------------------------------------------------------------------------
# "said X" at the very end: "..., the governor said." / "..., said the governor."
# Verbs of saying that are also nouns: after a verb in the past they are its object.
NOUN_LIKE_VERBS = {
    "reports",
    "report",
    "claims",
    "claim",
    "estimates",
    "estimate",
    "records",
    "counts",
    "notes",
    "documents",
    "finds",
}
ATTRIBUTION_VERB = re.compile(rf"\b(?:{AUX}\s+)*(?:{ATTRIBUTION_VERBS})\b", re.I)
TRAILING_SAID = re.compile(
    rf",\s*(?P<who>[^,;:\"“”]+?)\s+(?:{AUX}\s+)?(?:said|says|reported|reports|told [\w' ]+?|added|"  # noqa: E501 - one regex alternative per line reads best
    rf"wrote|posted|announced|claimed|claims|stated|noted|estimated|confirmed|estimates)"
    rf"(?:\s+(?:on|in|late|early)\s+[\w' ]+?)?\s*[.!?\"”']*$",
    re.I,
)
# A headline "Donetsk Oblast: ..." names a place, not who says it.
REGION_HEADING = re.compile(
    r"\b(?:oblast|region|province|district|raion|krai|city|direction|axis|front|sector)$", re.I
)
# The verb that ends a sentence's subject: "The ministry has ...".
SUBJECT_END = re.compile(
    r"\s+(?:has|have|had|is|are|was|were|will|would|can|could|may|might|did|does)\b", re.I
)
# "the ministry said that": not the subject; "Emergency officials initially reported": the
# adverb says when or how, not who.
SUBJECT_LINKS = re.compile(
    r"\b(?:that|and)\s*$|\s+(?:initially|originally|first|earlier|later|previously|"
    r"subsequently|also|again|repeatedly|officially|publicly|separately)\s*$",
    re.I,
)
# The same adverbs after a claimant at a sentence's end: "..., officials initially said."
CLAIMANT_ADVERB = re.compile(
    r"\s+(?:initially|originally|earlier|later|previously|subsequently|also|again|"
    r"repeatedly|officially|publicly|separately)$",
    re.I,
)
# A verb of saying whose subject comes later: "Only ... said", "While ... reported".
LATE_SUBJECT_STARTS = ("only", "while")
# Pronouns that stand for the last claimant named ("it said", "they reported").
CLAIMANT_PRONOUNS = {"it", "he", "she", "they"}
# Words that make a phrase a clause about victims rather than a claimant's name.
NOT_IN_CLAIMANT = {"were", "was", "is", "are", "killed", "been"}

# --- Attribution as reporters write it ---------------------------------------------------------
# Verbs of saying that stand after a closing quotation mark, in either order:
# '"...," the commander said' / '"...," said the deputy commander, Maksym Zhorin'.
QUOTE_VERBS = (
    r"said|says|added|adds|told|tells|wrote|writes|explained|recalled|recounts|recounted|"
    r"insisted|stressed|claimed|claims|noted|notes|posted|continued|went on|reported|stated"
)
AFTER_QUOTE = re.compile(r"[,.!?…]?\s*[”\"]\s+(?P<rest>[^“”\"]+)$")
QUOTE_INVERTED = re.compile(rf"^(?:{QUOTE_VERBS})\s+(?P<who>.+?)\s*[.!?]*$", re.I)
QUOTE_SUBJECT = re.compile(
    rf"^(?P<who>.+?),?\s+(?:{AUX}\s+)?(?:{QUOTE_VERBS})\b(?:[\s,].*)?[.!?]*$", re.I
)
# Inverted attribution at a sentence's end: "..., reports the Prosecutor's Office of X.",
# "..., informs the head of the regional military administration.", "..., says X, who runs Y."
# A passive agent at a sentence's end: "... were documented by the Mission."
PASSIVE_AGENT = re.compile(
    r"\b(?:documented|recorded|verified|registered|reported|confirmed|counted|compiled|"
    r"published|announced|identified|tallied|collected|gathered)\s+by\s+"
    r"(?P<who>[^,;.]+?)\s*[.!?\"”']*$",
    re.I,
)
INVERTED_AT_END = re.compile(
    r",\s*(?:said|says|according to|reported|reports|wrote|writes|informs|informed|announced|"
    r"announces|stated|states|noted|notes|added|adds|claimed|claims)\s+"
    r"(?P<who>[^;.]+?)\s*[.!?:\"”']*$",
    re.I,
)
# What follows a verb of saying when it is not an inverted subject: when or how it was said
# ("..., said on Tuesday after rescuers ...", "said in a statement").
TIME_OR_MEANS_LEAD = re.compile(
    rf"(?:on|in|at|after|before|during|late|early|earlier|later|yesterday|today|tonight|"
    rf"overnight|last|this|via|by phone|{WEEKDAYS})\b",
    re.I,
)
# What ends a claimant phrase: a relative clause or a participle clause about the claimant.
CLAIMANT_TAIL = re.compile(
    r"(?:,\s*|\s+)(?:who|whom|whose|which|that)\b.*$|"
    r",\s*(?:speaking|writing|citing|quoted|according|adding|referring|in|on|at|during|after|"
    r"before|when|as|while)\b.*$|"
    r"\s+(?:said|says|told|added|speaking|in an interview|in a statement|on telegram)\b.*$|"
    # "... given by the city's military administration on the Telegram messaging app."
    r"\s+(?:on|via)\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?(?:official\s+)?"
    r"(?:telegram|facebook|twitter|instagram|youtube|social media|messaging)\b.*$|"
    r"\s+(?:cited|quoted|interviewed) by\b.*$|"
    rf"\s+(?:on\s+)?(?:{WEEKDAYS}|yesterday|today|earlier|last (?:week|month|night))\b.*$",
    re.I,
)
# A role noun that makes a lower-case apposition part of a claimant ("the regional governor,
# Valentyn Reznichenko"; "Olena Kovalenko, a trauma surgeon in Kramatorsk").
ROLE_APPOSITION = re.compile(
    r"^(?:(?:the|a|an|his|her|its|their)\s+\S|[a-z][\w-]+(?:\s+[a-z][\w-]+)?\s+(?:to|of|for|at|in)\s|"
    # "Iryna Venediktova, then Ukraine's prosecutor general"; "X, Kharkiv's mayor"
    r"(?:then|now|formerly)\s+\S|[A-Z][\w-]+['’]s\s+[a-z]|"
    # A signature's capitalised role: "Oleh Syniehubov, Head of Kharkiv RMA".
    r"(?:Acting |Deputy )?(?:Head|Chief|Governor|Mayor|Spokesperson|Spokesman|Spokeswoman|"
    r"Commander|Director|Minister|Adviser|Advisor|Secretary|Chair|Chairman|Chairwoman)\s+"
    r"(?:of|to|for)\s)"
)
PERSON_NAME = re.compile(r"^(?:[A-Z][\w'’.-]+)(?:\s+[A-Z][\w'’.-]+){0,3}$")
# A phrase whose agent is the claimant: "Data collected by the mission showed ...".
AGENT_OF = re.compile(
    r"^(?:(?:the|a|an)\s+)?(?:(?:preliminary|official|latest|initial|updated|new|available|operational)\s+)*"
    r"(?:data|figures?|numbers?|statistics|images?|satellite images?|footage|"
    r"analysis|records?|research|findings|documents?|lists?|reports?|estimates?|a count|"
    r"investigations?|inquiry|inquiries|probes?|reviews?|stud(?:y|ies)|surveys?|"
    r"information|statements?|press releases?|posts?|messages?|announcements?|bulletins?|"
    r"updates?|briefings?)\b[^,]*?\b(?:by|from|of)\s+(?P<who>.+)$",
    re.I,
)
# "a statement on the ministry's website", "a post on the brigade's Telegram channel": the
# ministry, the brigade.
STATEMENT_ON_SITE = re.compile(
    r"^(?:(?:the|a|an)\s+)?(?:statements?|posts?|messages?|updates?|reports?|notices?|"
    r"releases?|press releases?|bulletins?|videos?)\s+(?:on|in|posted on|published on)\s+"
    r"(?P<who>.+?)['’]s?\s+(?:official\s+)?(?:website|web site|site|page|channel|account|"
    r"telegram(?:\s+channel)?|feed|social media)\b.*$",
    re.I,
)
# "according to its annual report": whose report the possessive says
OWN_DOCUMENT = re.compile(
    r"^(?P<pron>its|their|his|her)\s+(?:own\s+)?(?:(?:annual|monthly|weekly|daily|latest|new|"
    r"preliminary|official|updated|final|interim)\s+)*(?:report|data|figures|statement|tally|"
    r"count|records|estimates?|update|review|findings|statistics|bulletin|briefing)\b",
    re.I,
)
SHOW_VERBS = re.compile(r"\b(?:showed|shows|show|suggest|suggests|suggested|indicate)\b", re.I)
# A sentence that names the source of the figures before it: "This is according to X.",
# "The figures come from X.", "The numbers were compiled by X." It carries no claim itself.
SOURCE_POINTER = re.compile(
    r"^(?:(?:this|that|these|those|the)\s+(?:figures?|numbers?|data|count|toll|estimates?|"
    r"statistics|tally|information)|this|that|these|those|it)\s+"
    r"(?:(?:is|are|was|were)\s+(?:according to|from|based on|"
    r"(?:compiled|collected|published|provided|gathered|released|verified|kept|recorded|"
    r"reported|documented|given|supplied|confirmed|announced|issued|shared|posted)"
    # "The estimate was published on Thursday by X": a short time or place before the agent.
    r"(?:\s+(?:on|in|at|late|early|earlier|later|overnight|first|initially)\b[^,.;:]{0,30}?)?"
    r"\s+by)|"
    r"comes? from|came from|according to|follows? from|followed from)\s+(?P<who>.+?)\s*[.!]?$"
    # A translated bulletin's last line, without a verb: "Information of the district
    # administration.", "Data from the regional police."
    r"|^(?:the\s+)?(?:information|data|message|report)\s+(?:of|from)\s+(?P<whose>[^.!?;:]{3,120}?)"
    r"\s*[.!]?$",
    re.I,
)
# The same pointer with its source as the subject: "The Mission verified these figures through
# interviews.", "The regional police compiled the data."
SOURCE_POINTER_ACTIVE = re.compile(
    r"^(?P<who>[A-Z][^,;:.!?]{2,100}?)\s+(?:has\s+|have\s+|had\s+)?(?:verified|compiled|"
    r"documented|recorded|collected|gathered|provided|published|released|confirmed|gave|"
    r"issued|supplied)\s+(?:these|those|the|this|that)\s+(?:figures?|numbers?|data|count|"
    r"toll|tally|information|estimates?|statistics)\b[^.!?]*[.!]?$"
)
# "The Russian military put the number of its troops killed at 400": whom the figure counts.
NUMBER_OF_PEOPLE_AT = re.compile(
    r"\b(?:put|puts|putting|placed|places)\s+the\s+(?:number|toll|count) of "
    r"(?P<who>[A-Za-z][\w'-]*(?: [A-Za-z][\w'-]*)?) "
    r"(?:killed|dead|wounded|injured|captured|missing|executed)\b[^,;:.]{0,60}\bat\s+"
    r"(?:(?:at least|more than|over|about|around|nearly|almost|some)\s+)?$",
    re.I,
)
# A sentence opening with a person's name (and a role beside it): "Olena K., a surgeon, keeps".
PERSON_SUBJECT = re.compile(
    r"^(?P<title>(?:President|Minister|Governor|Mayor|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|General|Colonel|"
    r"Captain|Sergeant|Lieutenant)\s+)?"
    r"(?P<who>[A-Z][a-z][\w'’-]+(?:\s+[A-Z][a-z][\w'’-]+){0,2})"
    r"(?:,\s*\d{1,3},)?"  # "Natalia Kovalenko, 58, has run the morgue": an age aside
    r"(?:,\s*(?P<role>(?:the|a|an|his|her)\s+[^,]{3,80}|"
    r"[a-z][\w-]+(?:\s+[a-z][\w-]+)?\s+(?:to|of|for|at|in)\s[^,]{3,80}),)?"
    # "Andriy, who runs a hardware shop in Irpin, recalls": a relative clause about a person
    r"(?P<relative>,\s*(?:who|whose)\s[^,]{3,100},)?"
    r"\s+(?:has\s+|had\s+|was\s+|is\s+|also\s+|now\s+)?[a-z]+\b"
)
# A sentence opening with a role rather than a name, and a verb of speaking or of a visit:
# "The chief of the district police spoke to reporters" (whom a later "he said" stands for).
ROLE_SUBJECT = re.compile(
    r"^(?P<who>(?:The|A|An)\s+(?:[\w'’-]+\s+){0,3}?(?:head|chief|governor|mayor|spokesperson|"
    r"spokesman|spokeswoman|commander|official|officer|director|minister|prosecutor|ombudsman|"
    r"sergeant|medic|surgeon|doctor|nurse|soldier|volunteer|colonel|captain|lieutenant|major|"
    r"commissioner|paramedic|pilot|operator|marine|investigator)"
    r"(?:\s+(?:of|for|in|at|from|with)\s+[^,;:.]{2,60}?)?)"
    # "A platoon sergeant in the 66th Brigade who goes by the call sign Bober met reporters"
    r"(?:,?\s+who\s+[^,;:.]{2,80}?,?)?\s+(?:has\s+|had\s+|also\s+)?"
    r"(?:spoke|speaks|briefed|briefs|addressed|gave|held|appeared|met|visited|toured|arrived|"
    r"came|went|stood|called|urged|described|answered|took questions)\b"
)
# A body's capitalised name opening a sentence: "The Ministry of Defence of Ukraine".
BODY_SUBJECT = re.compile(
    r"(?:The|A|An)\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
    r"(?:\s+(?:of|for)(?:\s+the)?\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)*"
)
# Verbs of condemning, which claim a toll only when no one else in the sentence reports it.
CONDEMNING = re.compile(r"\b(?:condemn\w*|denounc\w*)$", re.I)
# A relative clause that ends a role beside a name: "a volunteer who has delivered aid".
RELATIVE_TAIL = re.compile(r"\s(?:who|whom|whose|which|that)\s", re.I)
# A clause before a sentence's subject: "When the shelling began in earnest, ...".
LEADING_CLAUSE = re.compile(
    r"^(?:when|after|as|before|by the time|since|although|though|while|once|until)\b"
    r"[^,;:]{3,100},\s*",
    re.I,
)
# "43 had been killed", "12 were wounded": a bare count as the subject of a passive harm verb.
PASSIVE_AFTER_COUNT = re.compile(
    r"^\s+(?:(?:had|have|has)\s+been|were|was|are|is|remain)\s+(?:\w+ly\s+)?"
    # "Nineteen are still listed as missing": still counted among the same people
    r"(?:(?:still|now)\s+)?(?:(?:listed|considered|reported|registered)\s+(?:as\s+)?)?"
    r"(?:killed|wounded|injured|executed|captured|taken prisoner|shot|hurt|missing)\b",
    re.I,
)
# A signature line under a post: "— Vadym Filashkin, head of Donetsk Oblast Administration".
SIGNATURE = re.compile(r"^[—–-]\s*(?P<who>[A-Z][^.!?;:]{2,140})$")
# A unit's channel signing its post after a slogan: "Glory! | 93rd Brigade Kholodnyi Yar".
UNIT_SIGNATURE = re.compile(
    r"(?:^|[|•]\s*)(?P<who>(?:The\s+)?\d{1,3}(?:st|nd|rd|th)\s+(?:[A-Z][\w'’-]*\s+){0,3}?"
    r"(?:Brigade|Battalion|Regiment|Division|Corps|Army)(?:\s+[A-Z][\w'’-]*){0,3})\s*$"
)
ORDINAL_IN_NAME = r"\b\d{1,3}(?:st|nd|rd|th)\b"
# A line of a list: "- 3 people killed", "• 14 injured".
LIST_ITEM = re.compile(r"^\s*[-–—•*·]\s+\S")
# A label line of a tally under a heading: "personnel — about 1,003,240 (+1,130) persons".
LABEL_LINE = re.compile(r"^[a-z][\w'’ ()/-]{0,40}?\s+[—–‒-]\s+\S")
# A label line naming the source: "Source: OHCHR.", "Data: regional police".
SOURCE_LABEL = re.compile(
    r"^(?:sources?|data|figures)\s*:\s*(?P<who>[^.!?;:]{2,120}?)\s*\.?$", re.I
)
# A line that is only an office's name, under a post: "Kharkiv Regional Prosecutor's Office".
ORG_SIGNATURE = re.compile(
    r"^(?P<who>(?:Press (?:service|office|centre|center) of (?:the )?)?"
    r"(?:[A-Z0-9][\w'’.-]*\s+){0,6}(?:Office|Administration|Ministry|Service|Police|"
    r"Staff|Brigade|Command|Department|Council|Headquarters|Committee|Mission|Guard|Centre|"
    r"Center|Directorate|Prosecutor's Office|Prosecutor’s Office)"
    # "Ministry of Internal Affairs of Ukraine": the office's name with its "of ..." complement.
    r"(?:\s+(?:of|for)(?:\s+the)?\s+[A-Z][\w'’.-]*(?:\s+(?:of|for|and|the|[A-Z][\w'’.-]*))*)?)"
    + SIGNATURE_NOTE
)
# A title line naming an office's briefing: "Russian Defence Ministry briefing, 21 May 2025".
BRIEFING_TITLE = re.compile(
    ORG_SIGNATURE.pattern.removesuffix(SIGNATURE_NOTE)
    + r"\s+(?:daily\s+|weekly\s+|monthly\s+)?(?:briefing|statement|report|update|bulletin|"
    r"summary|press release|communiqu[eé])(?:\s*[,:—–-]\s*[^\n]{0,40})?$"
)
# A publisher's heading over its own report: "Bellwether Investigations | Findings, March 2025".
PUBLISHER_HEADING = re.compile(
    r"^(?P<who>(?:[A-Z][\w'’.&-]*\s+){0,5}[A-Z][\w'’.&-]*)\s*[|•]\s*(?:findings|report|"
    r"investigation|analysis|research|briefing|update|statement|press release)\b[^\n]{0,40}$",
    re.I,
)
# A sentence after the figures that says who told them: "Head of the OVA X informed about it.",
# "The regional police reported this."
TOLD_ABOUT_IT = re.compile(
    r"^(?P<who>[A-Z][^.!?;:]{2,120}?)\s+(?:(?:informed|reported|said|wrote|announced|told)\s+"
    r"(?:about\s+)?(?:it|this|that)|informs|reports|informed|reported)\s*\.?$",
    re.I,
)
# A source in brackets at a bulletin line's end: "4 killed, 10 wounded (police)."
TRAILING_SOURCE = re.compile(r"\((?P<who>[^()\d]{3,60})\)\s*\.?$")
SOURCE_WORDS = re.compile(
    r"\b(?:police|officials?|administration|governor|ministry|prosecutors?|office|service|"
    r"mayor|staff|council|mission|authorities|head|OVA|MVA|command|spokes\w+|ministers?|"
    r"ombudsman|commissioner|president)\b",
    re.I,
)
# A relative clause set off by commas ("Olena, whose husband was among the 14 killed, said"),
# and a verb of saying right after it.
RELATIVE_ASIDE = re.compile(r",\s*(?:who|whose|whom|which)\b[^,;:]*,")
SAYING_NEXT = re.compile(
    r"^\s*(?:has\s+|had\s+|also\s+)?(?:said|says|told|tells|recalled|recalls|added|wrote)\b"
)
# The next part of a list of sources after one found: ", the emergency service and the mayor".
_LIST_ITEM_WORDS = (
    r"(?P<item>(?:[Tt]he|[Aa]n?|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[A-Z][\w'’.-]*)"
    r"(?:\s+[\w'’.-]+){0,5}?)"
)
LIST_NEXT_SOURCE = re.compile(
    rf"(?:\s*,\s*(?P<and>and\s+)?|\s+(?P<and2>and)\s+){_LIST_ITEM_WORDS}"
    rf"(?=\s*(?:,|\.|;|:|$|\s+and\s|\s+(?i:{QUOTE_VERBS})\b))",
)
# The part of a list of sources before one found: "The police, " before "X and Y said".
LIST_PREVIOUS_SOURCE = re.compile(rf"(?:^|,\s*|\bto\s+|\bby\s+){_LIST_ITEM_WORDS}\s*,\s*$")
# A part that opens a clause or names a time or place, not a source ("In Kharkiv, ...").
NOT_A_LIST_SOURCE = re.compile(
    r"^(?:in|on|at|after|before|when|while|since|during|as|over|overnight|earlier|later|"
    r"then|but|so|however|meanwhile|separately|also|and|or|according)\b",
    re.I,
)
# A document as a sentence's subject speaks for whoever issued it: "The statement added ...".
DOCUMENT_SUBJECT = re.compile(
    r"^(?:the|its|his|her|their)\s+(?:statement|report|post|message|release|press release|"
    r"update|bulletin|briefing|announcement)$",
    re.I,
)
# A participle phrase set off by commas after a claimant: "the governor, writing on Telegram,".
PARTICIPLE_ASIDE = re.compile(
    r"^(?:writing|speaking|posting|commenting|appearing|addressing|quoted|reporting)\b", re.I
)
# "By his count", "according to her": the claimant is the person just named.
BY_THEIR_COUNT = re.compile(
    r"\b(?:by|according to|in) (?:his|her|their|its) (?:own )?(?:count|counting|estimate|"
    r"tally|reckoning|records?|figures?|data)\b|\baccording to (?:him|her|them)\b",
    re.I,
)
# Right after the counted people: they belong to a military unit ("men from his battalion").
OF_A_UNIT = re.compile(
    r"^\s+(?:from|of|in|with)\s+(?:the\s+|his\s+|her\s+|their\s+|our\s+|its\s+|my\s+)?"
    r"(?:[\w-]+\s+){0,2}(?:battalion|brigade|unit|company|regiment|platoon|squad|division|"
    r"corps|detachment)s?\b",
    re.I,
)
# Words that name no one on their own ("The" left of "report says").
DETERMINERS_ONLY = {"the", "a", "an", "this", "that", "these", "those"}
# "The figures, released by the General Staff on Monday, put ...": the releaser.
DATA_RELEASED_BY = re.compile(
    r"^(?:the\s+)?(?:latest\s+|new\s+|official\s+)?(?:figures?|data|numbers?|statistics|"
    r"estimates?|tally),\s*(?:released|compiled|published|provided|issued|collected|gathered|"
    r"given)\s+by\s+(?P<who>[^,;.]+),",
    re.I,
)
# What data or a document is, without whose: no claimant ("according to preliminary data").
NOT_A_SOURCE = re.compile(
    r"^(?:the\s+)?(?:(?:preliminary|official|latest|initial|updated|new|available|operational|"
    r"unofficial|unconfirmed|local|media)\s+)*(?:data|information|figures?|numbers?|estimates?|"
    r"reports?|statistics|footage|videos?|images?|sources?)$",
    re.I,
)
# A title line naming who issued the text below it: "Statement of the Ministry of Foreign
# Affairs of Ukraine on the Russian missile attack on Kyiv".
STATEMENT_TITLE = re.compile(
    r"^\s*(?:(?:joint|official)\s+)?(?:statement|comment|press release|communiqu[eé]|"
    r"declaration|information message)\s+(?:of|by|from)\s+(?P<who>[^\n]{3,120}?)"
    r"(?:\s+(?:on|regarding|concerning|about|in connection with|following)\s[^\n]*)?\s*\n",
    re.I,
)
# A translated source phrase: "..., it follows from the data of the Office of the Prosecutor
# General as of 1 December."
IT_FOLLOWS_FROM = re.compile(
    r",\s*(?:it|this|that|as)\s+(?:follows|followed|is clear|emerges)\s+from\s+"
    r"(?P<who>[^;.]{3,160}?)\s*[.!]?$",
    re.I,
)
# A machine-translated bulletin's opener: "Informs the Office of the Prosecutor General: ...".
INFORMS_OPENER = re.compile(
    r"^(?:informs|reports|announces|states|communicates)\s+(?P<who>[^:,.]{3,100}?)\s*[:,]\s",
    re.I,
)
