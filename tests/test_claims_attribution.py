"""Who claims a figure, as reporters write it: a user reading a report needs the right mouth.

A claim with the wrong claimant is worse than none (it puts a ministry's figure in a monitor's
mouth), so where the text names no one the reader says so instead of guessing.
"""

from __future__ import annotations

from corroborate.claims import extract_claims
from corroborate.core import Claim


def read(text: str) -> list[Claim]:
    return extract_claims(text, resolve_places=False)


def test_a_following_sentence_names_the_source_of_the_figures_before_it() -> None:
    found = read(
        "Some 2,100 residents of the district have died since the dam was blown up. "
        "This is according to the district council, which collects death certificates."
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (2100, "died", "the district council")
    ]
    found = read(
        "Nine ambulance crews have been hit by drones since May. "
        "Eleven paramedics were killed. The figures come from the regional health department."
    )
    assert [(c.count, c.claimant) for c in found] == [(11, "the regional health department")]


def test_a_source_sentence_does_not_reach_back_over_a_claim_with_its_own_claimant() -> None:
    found = read(
        "The governor said 4 people were killed. "
        "Another 6 were wounded in Izium. The figures were published by the city council."
    )
    assert [(c.count, c.claimant) for c in found] == [(4, "The governor"), (6, "the city council")]


def test_the_speaker_after_a_quotation_is_the_claimant_with_the_role_kept() -> None:
    found = read(
        "\u201cWe lost seven men on that road,\u201d the commander of the 3rd company, "
        "who asked to be identified only by his call sign, said in an interview."
    )
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (7, "killed", "men", "the commander of the 3rd company")
    ]
    found = read(
        "\u201cFive of our guys were taken prisoner,\u201d said the brigade's press officer, "
        "Ivan Petrenko, speaking on national television."
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (5, "captured", "the brigade's press officer, Ivan Petrenko")
    ]


def test_a_quotation_continued_with_a_pronoun_keeps_its_speaker() -> None:
    found = read(
        "\u201cThey shot 4 prisoners,\u201d a medic from the 72nd Brigade said.\n\n"
        "\u201cTwo more died of their wounds,\u201d she added."
    )
    assert [c.claimant for c in found] == ["a medic from the 72nd Brigade"] * 2


def test_an_office_that_documented_registered_or_published_is_the_claimant() -> None:
    cases = {
        "The regional prosecutor's office registered 41 killings of civilians in May.": (
            "The regional prosecutor's office"
        ),
        "Human Rights Watch documented 17 civilians killed by cluster munitions.": (
            "Human Rights Watch"
        ),
        "The city council published the names of 212 residents killed during the siege.": (
            "The city council"
        ),
    }
    for text, claimant in cases.items():
        assert [c.claimant for c in read(text)] == [claimant], text


def test_the_maker_of_data_that_show_a_figure_is_the_claimant() -> None:
    found = read("Figures compiled by the Kharkiv police showed that 38 civilians were killed.")
    assert [(c.count, c.claimant) for c in found] == [(38, "the Kharkiv police")]


def test_a_role_and_a_name_stay_together_in_either_order() -> None:
    found = read(
        "The head of the Sumy regional administration, Volodymyr Artiukh, "
        "said 3 residents were killed."
    )
    assert found[0].claimant == "The head of the Sumy regional administration, Volodymyr Artiukh"
    found = read("Oksana Hrytsenko, a nurse in Kupiansk, said 12 patients were wounded.")
    assert found[0].claimant == "Oksana Hrytsenko, a nurse in Kupiansk"
    found = read("Seven soldiers were wounded, informs the press service of the 10th Corps.")
    assert found[0].claimant == "the press service of the 10th Corps"


def test_a_person_named_for_something_else_is_not_made_the_claimant() -> None:
    found = read(
        "Foreign Minister Dmytro Kuleba arrived in Berlin on Monday.\n\n"
        "At least 14 civilians were killed in shelling of Kherson overnight."
    )
    assert [(c.count, c.claimant) for c in found] == [(14, None)]


def test_a_pronoun_stands_for_the_person_the_paragraph_is_about() -> None:
    found = read(
        "Halyna Shevchuk, a paramedic in Pokrovsk, has driven the same ambulance for two years. "
        "Since spring, she said, 9 of her colleagues have been killed."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (9, "Halyna Shevchuk, a paramedic in Pokrovsk")
    ]


def test_victims_keep_their_qualifiers() -> None:
    found = read(
        "A drone hit the evacuation vehicle and killed three wounded soldiers "
        "and two volunteer medics, the brigade said."
    )
    assert [(c.count, c.event, c.victims) for c in found] == [
        (3, "killed", "wounded soldiers"),
        (2, "killed", "volunteer medics"),
    ]
    found = read("Doctors said 31 wounded servicemen died in the hospital in March.")
    assert [(c.count, c.event, c.victims) for c in found] == [(31, "died", "wounded servicemen")]


def test_killed_or_wounded_is_a_casualty_figure_not_a_death_toll() -> None:
    found = read(
        "Western officials said 90,000 Russian troops were killed or wounded near Avdiivka."
    )
    assert [(c.count, c.event) for c in found] == [(90000, "casualties")]
    found = read("The regiment suffered 300 casualties in the assault, its commander said.")
    assert [(c.count, c.event, c.victim_category) for c in found] == [
        (300, "casualties", "combatant")
    ]


def test_a_signature_under_a_post_names_whose_figures_they_are() -> None:
    found = read(
        "Over the past day, 3 civilians were killed and 8 wounded in Kharkiv region.\n"
        "— Oleh Syniehubov, head of Kharkiv Regional Military Administration"
    )
    assert {c.claimant for c in found} == {
        "Oleh Syniehubov, head of Kharkiv Regional Military Administration"
    }


def test_by_his_count_stands_for_the_person_just_named() -> None:
    found = read(
        "Andrii Bondar, a medic in the 92nd Brigade, keeps a list. By his count, "
        "31 men from his battalion have been killed since March."
    )
    assert [(c.count, c.victim_category, c.claimant) for c in found] == [
        (31, "combatant", "Andrii Bondar, a medic in the 92nd Brigade")
    ]


def test_according_to_figures_released_by_an_office_names_the_office() -> None:
    found = read(
        "According to data published by the regional police, 44 civilians were killed "
        "in the district last year."
    )
    assert [c.claimant for c in found] == ["the regional police"]


def test_the_people_named_after_a_partitive_over_the_wounded() -> None:
    found = read("The governor said 30 people were wounded. Twelve of the wounded are children.")
    assert [(c.count, c.event, c.victims) for c in found] == [
        (30, "injured", "people"),
        (12, "injured", "children"),
    ]


def test_a_passive_agent_at_the_end_is_the_claimant() -> None:
    found = read("The killing of at least 9 civilians in detention was documented by the Mission.")
    assert [(c.count, c.claimant) for c in found] == [(9, "the Mission")]


def test_the_event_after_a_relative_clause_about_the_people() -> None:
    found = read("Two nurses who were treating patients in the ward were killed, the mayor said.")
    assert [(c.count, c.event, c.victims) for c in found] == [(2, "killed", "nurses")]
    # what the people did in the clause is not done to them
    assert read("Two soldiers who killed a civilian were detained.") == []


def test_a_claimant_who_cites_incidents_as_examples_is_their_claimant() -> None:
    found = read(
        "Prosecutors say they hold evidence of 50 executions of prisoners. They point to the "
        "shooting of 3 prisoners near Bakhmut as an example."
    )
    assert [(c.count, c.claimant) for c in found] == [(50, "Prosecutors"), (3, "Prosecutors")]
    found = read("The ombudsman cited the killing of 4 civilians in Bucha as an example.")
    assert [(c.count, c.claimant) for c in found] == [(4, "The ombudsman")]


def test_the_state_of_part_of_a_toll_is_not_a_claim_of_its_own() -> None:
    found = read(
        "The regional governor said the attack began after midnight. Four people were "
        "killed and 12 injured. Two of the injured are in serious condition."
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (4, "killed", "The regional governor"),
        (12, "injured", "The regional governor"),
    ]


def test_data_with_no_one_behind_it_is_no_claimant_and_whose_data_names_them() -> None:
    found = read("According to preliminary data, 3 people were killed in the strike.")
    assert [(c.count, c.claimant) for c in found] == [(3, None)]
    found = read(
        "Since the start of the invasion, 597 children have been killed, according to "
        "official data of juvenile prosecutors."
    )
    assert [c.claimant for c in found] == ["juvenile prosecutors"]


def test_machine_translated_bulletins_name_who_informs() -> None:
    found = read("Informs the regional prosecutor's office: 2 persons were killed in Nikopol.")
    assert [(c.count, c.claimant) for c in found] == [(2, "the regional prosecutor's office")]
    found = read(
        "The Ministry of Defence of the Russian Federation informs that the losses of the AFU "
        "amounted to up to 355 servicemen."
    )
    assert [(c.count, c.qualifier, c.claimant) for c in found] == [
        (355, "at_most", "The Ministry of Defence of the Russian Federation")
    ]


def test_a_quotation_over_several_sentences_is_all_its_speakers() -> None:
    found = read(
        "The ministry said 5 soldiers died. \u201cWe lost 11 men on the first day. Another 30 "
        "were wounded,\u201d the battalion commander said."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (5, "The ministry"),
        (11, "the battalion commander"),
        (30, "the battalion commander"),
    ]


def test_a_source_sentence_never_overrides_a_claimant_named_in_the_claims_own_sentence() -> None:
    found = read(
        "Ukraine's General Staff said 900 Russian troops were killed over the past day.\n\n"
        "This is according to a statement on Telegram."
    )
    assert [c.claimant for c in found] == ["Ukraine's General Staff"]


def test_a_quotation_closed_in_another_paragraph_does_not_reach_back() -> None:
    found = read(
        "\u201cNine people were killed in the basement.\n\n"
        "We are still searching,\u201d the rescue chief said."
    )
    assert [c.claimant for c in found] == [None]


def test_whom_a_speaker_tells_is_not_the_claimant() -> None:
    """'X told Reuters that ...': Reuters hears the figure; the mayor claims it."""
    found = read(
        "The mayor, Ihor Terekhov, told Reuters that five people were killed. "
        "The head of the emergency service told reporters that 21 rescuers had been wounded."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (5, "The mayor, Ihor Terekhov"),
        (21, "The head of the emergency service"),
    ]


def test_a_speaker_who_cites_a_source_claims_it_but_a_news_agency_passes_it_on() -> None:
    (speaker,) = read(
        "Russian forces executed at least 15 Ukrainian prisoners of war, Ukraine's human rights "
        "ombudsman Dmytro Lubinets said, citing witness accounts."
    )
    assert speaker.claimant == "Ukraine's human rights ombudsman Dmytro Lubinets"
    (agency,) = read("Sixteen people were killed, Reuters reported, citing regional officials.")
    assert agency.claimant == "regional officials"
    (tass,) = read(
        "Russia's TASS news agency, quoting the local administration, said 8 were killed."
    )
    assert tass.claimant == "the local administration"
    (ministry,) = read("The ministry, citing the governor, said 5 people were killed.")
    assert ministry.claimant == "The ministry"


def test_a_document_that_names_no_author_leaves_the_claimant_unknown() -> None:
    found = read("Of the 45 prisoners held there, six had died, according to the report.")
    assert found and all(c.claimant is None for c in found)


def test_a_relative_clause_about_the_speakers_is_not_part_of_their_name() -> None:
    (found,) = read(
        "Ukrainian soldiers who fought in Avdiivka told the BBC that at least 30 men were killed."
    )
    assert found.claimant == "Ukrainian soldiers"


def test_a_second_claimant_in_a_contrasting_clause_owns_the_figures_after_it() -> None:
    found = read(
        "The regional police said 5 people were killed, while the governor put the toll at 7."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (5, "The regional police"),
        (7, "the governor"),
    ]
    # a participle clause has no subject of its own: the figure stays with the sentence's claimant
    found = read(
        "Ukraine said it had 7,000 bodies, while claiming that the toll is as high as 19,000."
    )
    assert [c.claimant for c in found] == ["Ukraine", "Ukraine"]


def test_saying_inside_a_clause_about_something_else_names_no_claimant() -> None:
    (found,) = read("The strike, which the air force said involved 40 missiles, killed 11 people.")
    assert (found.count, found.claimant) == (11, None)


def test_a_person_introduced_with_a_bare_role_is_whom_he_stands_for() -> None:
    (found,) = read(
        "Vadym Filashkin, head of the Donetsk regional administration, visited the town. "
        "He said two residents were killed overnight."
    )
    assert found.claimant == "Vadym Filashkin, head of the Donetsk regional administration"
    (aged,) = read("Olena, a 54-year-old teacher, said seven people were killed.")
    assert aged.claimant == "Olena, a 54-year-old teacher"


def test_a_deed_or_a_belief_is_not_a_statement_the_next_figures_continue() -> None:
    for text in (
        "Serhiy Bondar found his brother's body in the yard. At least 40 people were killed.",
        "Ukraine's foreign minister posted a photo of the ruins. Fifteen people were killed.",
        "Natalia believes the authorities hid the toll. Officially, 23 people died.",
    ):
        assert [c.claimant for c in read(text)] == [None], text
    said = read("The governor said the strike was the worst this year. At least 11 people died.")
    assert [c.claimant for c in said] == ["The governor"]


def test_by_whose_estimates_without_a_name_is_no_claimant() -> None:
    (found,) = read("More than 8,000 civilians were killed in Mariupol, by Ukrainian estimates.")
    assert found.claimant is None


def test_an_abbreviation_in_brackets_does_not_cut_the_claimants_name() -> None:
    (found,) = read("Ukraine's Defence Intelligence (HUR) said 7 Russian officers were killed.")
    assert found.claimant == "Ukraine's Defence Intelligence"


def test_a_new_item_of_news_does_not_continue_the_statement_before_it() -> None:
    found = read(
        "The governor said air defences shot down 20 drones. "
        "Separately, a strike on Sumy killed three people."
    )
    assert [(c.count, c.claimant) for c in found] == [(3, None)]


def test_a_bulletin_signed_with_a_role_and_a_name_without_a_dash_is_theirs() -> None:
    found = read(
        "The enemy shelled the city 45 times. As a result, 2 people were killed and 7 were "
        "injured. The head of the OVA Oleksandr Prokudin."
    )
    assert [c.claimant for c in found] == ["The head of the OVA Oleksandr Prokudin"] * 2
    assert [
        c.claimant
        for c in read("Two people were killed. The head of the community was not available.")
    ] == [None]


def test_told_an_outlet_at_the_end_names_the_listener_not_the_claimant() -> None:
    found = read(
        "ODESA (Reuters) - A drone strike killed two dock workers in the port overnight, "
        "Oleh Kiper, the regional governor, told Reuters."
    )
    assert [(c.count, c.victims, c.claimant) for c in found] == [
        (2, "dock workers", "Oleh Kiper, the regional governor")
    ]


def test_an_outlet_reporting_last_passes_on_the_speaker_named_first() -> None:
    found = read(
        "The regional prosecutor said on Monday that 14 civilians had been killed in the "
        "village during the occupation, AFP reported."
    )
    assert [(c.count, c.claimant) for c in found] == [(14, "The regional prosecutor")]


def test_a_pointer_to_data_from_an_office_or_a_bare_information_line_names_the_office() -> None:
    found = read(
        "Some 310 teachers have been killed since the invasion began. "
        "This is according to data from the Ministry of Education."
    )
    assert [c.claimant for c in found] == ["the Ministry of Education"]
    found = read(
        "During the day the enemy shelled the community 12 times. 3 civilian persons were "
        "wounded. Information of the Pokrovsk district military administration."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (3, "the Pokrovsk district military administration")
    ]
    found = read("In the village were wounded 2 residents. It is reported by the head of OVA.")
    assert [c.claimant for c in found] == ["the head of OVA"]


def test_a_dash_signature_after_the_last_sentence_signs_the_post() -> None:
    found = read(
        "Zaporizhzhia region: over the past day 3 people were killed and 5 injured. "
        "— Ivan Fedorov, head of Zaporizhzhia Regional Military Administration"
    )
    assert [c.claimant for c in found] == [
        "Ivan Fedorov, head of Zaporizhzhia Regional Military Administration"
    ] * 2


def test_data_from_an_office_that_showed_names_the_office_without_the_verb() -> None:
    found = read("Data from the city morgue showed that 57 residents had died in January.")
    assert [(c.count, c.claimant) for c in found] == [(57, "the city morgue")]


def test_according_to_a_role_keeps_the_name_set_off_after_it() -> None:
    found = read("According to the mayor, Ihor Terekhov, six people were injured.")
    assert [c.claimant for c in found] == ["the mayor, Ihor Terekhov"]


def test_a_quotation_of_two_sentences_closes_with_its_speaker() -> None:
    found = read(
        "\u201cThey came at dawn. We lost four men before noon,\u201d said Taras, "
        "a company commander who gave only his first name."
    )
    assert [(c.count, c.claimant) for c in found] == [(4, "Taras, a company commander")]


def test_the_speakers_own_sources_leave_the_speaker_as_claimant() -> None:
    found = read("Rybar: according to our sources, the enemy lost 40 servicemen near Kupiansk.")
    assert [(c.count, c.claimant) for c in found] == [(40, "Rybar")]


def test_elliptical_counts_take_the_people_named_before() -> None:
    found = read("Three firefighters were killed and two more injured, the service said.")
    assert [(c.count, c.event, c.victims) for c in found] == [
        (3, "killed", "firefighters"),
        (2, "injured", "firefighters"),
    ]
    found = read(
        "\u201cWe killed 30 Russian soldiers and took five prisoner,\u201d the sergeant said."
    )
    assert [(c.count, c.event, c.victims) for c in found] == [
        (30, "killed", "Russian soldiers"),
        (5, "captured", "Russian soldiers"),
    ]


def test_a_subject_coordinated_with_a_single_person_is_still_counted() -> None:
    found = read("Four nurses and a driver were killed when the ambulance was hit.")
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (4, "killed", "nurses", None)
    ]


def test_losses_counted_as_killed_and_wounded_are_casualties() -> None:
    found = read("The enemy lost about 90 people killed and wounded, the brigade said.")
    assert [(c.count, c.event) for c in found] == [(90, "casualties")]


def test_cases_over_a_killing_count_its_victims() -> None:
    found = read("Police have opened 9 criminal cases over the killing of civilians in Bucha.")
    assert [(c.count, c.event, c.victims) for c in found] == [(9, "incidents", "civilians")]


def test_one_quoted_by_an_agency_as_saying_is_the_claimant() -> None:
    found = read(
        "The occupation-installed governor, Yevgeny Balitsky, was quoted by TASS as saying "
        "that 7 people were killed in Enerhodar."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (7, "The occupation-installed governor, Yevgeny Balitsky")
    ]


def test_a_list_of_sources_after_using_names_no_speaker() -> None:
    found = read(
        "Volunteers have identified 1,200 soldiers killed near Bakhmut, using obituaries, "
        "cemetery photos and regional news reports."
    )
    assert [(c.count, c.claimant) for c in found] == [(1200, "Volunteers")]


def test_according_to_a_statement_from_a_company_names_the_company() -> None:
    found = read("Two workers died, according to a statement from the rail operator.")
    assert [(c.count, c.claimant) for c in found] == [(2, "the rail operator")]


def test_figures_that_follow_from_a_report_are_its_authors() -> None:
    found = read(
        "Some 60 journalists have been killed since 2022. "
        "This follows from a report by the National Union of Journalists."
    )
    assert [c.claimant for c in found] == ["the National Union of Journalists"]


def test_an_office_named_alone_on_the_last_line_signs_the_post() -> None:
    found = read("Over the past day: killed – 2, wounded – 7.\nZaporizhzhia Regional Police")
    assert [c.claimant for c in found] == ["Zaporizhzhia Regional Police"] * 2


def test_a_sentence_saying_who_told_about_it_names_the_claimant_before_it() -> None:
    found = read("In Marhanets 4 residents were injured. Head of the community informed about it.")
    assert [c.claimant for c in found] == ["Head of the community"]


def test_a_participle_aside_does_not_cut_the_name_from_the_role() -> None:
    found = read(
        "The mayor of Sumy, Oleksandr Lysenko, speaking on national television, said "
        "3 residents were killed."
    )
    assert [c.claimant for c in found] == ["The mayor of Sumy, Oleksandr Lysenko"]


def test_a_statement_that_adds_speaks_for_the_ministry_that_issued_it() -> None:
    found = read(
        "The Ministry of Health said 2 doctors were killed. "
        "The statement added that another 5 medics had been wounded."
    )
    assert [c.claimant for c in found] == ["The Ministry of Health"] * 2


def test_a_first_name_with_a_role_is_whom_according_to_her_stands_for() -> None:
    found = read(
        "Oksana, a nurse at the field hospital, keeps a list. "
        "According to her, 12 of the soldiers she treated in May later died."
    )
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (12, "died", "soldiers", "Oksana, a nurse at the field hospital")
    ]


def test_a_figure_in_an_aside_about_the_speaker_is_the_writers() -> None:
    found = read(
        "Maria, whose son was among the 9 sailors killed on the cruiser, said the navy "
        "never called her."
    )
    assert [(c.count, c.claimant) for c in found] == [(9, None)]


def test_a_partitive_of_his_men_counts_the_men() -> None:
    found = read("Speaking to CNN, the colonel said 40 of his men had been wounded.")
    assert [(c.count, c.victims, c.claimant) for c in found] == [(40, "men", "the colonel")]


def test_officials_cited_by_a_paper_are_the_officials() -> None:
    found = read("According to Western officials cited by The Times, 600 soldiers were killed.")
    assert [c.claimant for c in found] == ["Western officials"]


def test_a_source_in_brackets_at_a_bulletin_lines_end() -> None:
    found = read("Kharkiv region: 2 killed, 3 wounded (regional administration).")
    assert [c.claimant for c in found] == ["regional administration"] * 2
    assert [c.claimant for c in read("Shelling killed 2 residents (Donetsk region).")] == [None]


def test_he_in_a_later_paragraph_is_the_titled_person_with_the_role_kept() -> None:
    found = read(
        "General Mykola Malomuzh, a former intelligence chief who now teaches in Kyiv, has "
        "followed the battle closely.\n\n\u201cThey lost 3,000 men there,\u201d he said."
    )
    assert [c.claimant for c in found] == ["General Mykola Malomuzh, a former intelligence chief"]


def test_a_bulletins_closing_attribution_covers_the_tallies_before_it() -> None:
    found = read(
        "The enemy lost up to 140 servicemen near Kupiansk. Air defence shot down 12 drones, "
        "the Russian Defence Ministry said."
    )
    assert [(c.count, c.claimant) for c in found] == [(140, "the Russian Defence Ministry")]
    found = read("Two residents were killed. The mayor said the city would rebuild.")
    assert [c.claimant for c in found] == [None]


def test_an_office_that_gave_figures_continues_into_the_next_sentence() -> None:
    found = read(
        "The city council released new figures on Friday. Since May, 212 residents have "
        "been killed by shelling."
    )
    assert [c.claimant for c in found] == ["The city council"]


def test_a_source_label_line_names_the_source_of_the_tallies_before_it() -> None:
    found = read("Civilian casualties in May: 40 killed, 210 injured. Source: HRMMU.")
    assert [c.claimant for c in found] == ["HRMMU"] * 2


def test_grandchildren_and_siblings_are_people_counted() -> None:
    found = read("A drone killed a woman and her three grandchildren, the police said.")
    assert [(c.count, c.victims, c.victim_category) for c in found] == [
        (3, "grandchildren", "civilian")
    ]


def test_a_statements_title_line_names_its_issuer_for_figures_no_sentence_attributes() -> None:
    found = read(
        "Statement of the Ministry of Health of Ukraine regarding the strike on a hospital in "
        "Kharkiv\n\nAs a result of the strike, 3 medics were killed. The regional governor said "
        "11 patients were injured."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (3, "the Ministry of Health of Ukraine"),
        (11, "The regional governor"),
    ]
    untitled = read("The strike on a hospital in Kharkiv\n\nAs a result, 3 medics were killed.")
    assert [c.claimant for c in untitled] == [None]


def test_a_prosecutors_release_speaks_for_what_its_investigation_found() -> None:
    found = read(
        "The Sumy Regional Prosecutor's Office has launched a pre-trial investigation into the "
        "shelling of Shostka. According to the investigation, the strike killed 2 residents."
    )
    assert [(c.count, c.claimant) for c in found] == [(2, "The Sumy Regional Prosecutor's Office")]
    alone = read("According to the investigation, the strike killed 2 residents.")
    assert [c.claimant for c in alone] == [None]


def test_a_second_speaker_who_puts_the_figure_at_another_number_restates_the_toll() -> None:
    found = read(
        "The police said 9 soldiers were killed. A brigade spokesman later put the figure at 6."
    )
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (9, "killed", "soldiers", "The police"),
        (6, "killed", "soldiers", "A brigade spokesman"),
    ]
    assert read("The mayor put the figure at 12.") == []  # no toll before it to restate


def test_parts_and_more_of_the_people_counted_before_take_their_words() -> None:
    found = read(
        "Rescuers pulled the bodies of 14 people from the rubble. Three of them were children, "
        "they said. 20 more were wounded. Of those wounded, 4 were pensioners."
    )
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (14, "killed", "people", "Rescuers"),
        (3, "killed", "children", "Rescuers"),
        (20, "injured", "people", "Rescuers"),  # a statement continued keeps its claimant
        (4, "injured", "pensioners", "Rescuers"),
    ]


def test_a_signature_with_the_name_first_covers_the_whole_post() -> None:
    found = read(
        "One man was killed in Kherson. 3 more people were injured.\n"
        "Oleksandr Prokudin, head of Kherson OVA"
    )
    assert [(c.count, c.victims, c.claimant) for c in found] == [
        (1, "man", "Oleksandr Prokudin, head of Kherson OVA"),
        (3, "people", "Oleksandr Prokudin, head of Kherson OVA"),
    ]


def test_the_subject_before_said_is_the_speaker_not_the_clause_after_it() -> None:
    found = read(
        "The mayor of Sumy, Artem Kobzar, said the drone hit a bus. Four passengers were "
        "killed, he said."
    )
    assert [c.claimant for c in found] == ["The mayor of Sumy, Artem Kobzar"]
    found = read(
        "A medic of the 47th Brigade, who gave only his first name, Oleh, said 12 soldiers "
        "were wounded."
    )
    assert [c.claimant for c in found] == ["A medic of the 47th Brigade"]


def test_a_prosecutors_procedural_guidance_names_the_office_that_claims_the_figure() -> None:
    found = read(
        "Under the procedural guidance of the Kharkiv Regional Prosecutor's Office, criminal "
        "proceedings were opened into the killing of 3 civilians in Vovchansk."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (3, "the Kharkiv Regional Prosecutor's Office")
    ]


def test_an_investigation_by_an_outlet_is_the_outlets_finding() -> None:
    found = read("An inquiry by the Associated Press found 8 prisoners of war executed in May.")
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (8, "executed", "the Associated Press")
    ]


def test_ages_and_dotted_dates_between_people_and_their_harm_are_stepped_over() -> None:
    found = read("In Kupiansk, 3 women aged 52, 64 and 70 were wounded, the police said.")
    assert [(c.count, c.event, c.victims) for c in found] == [(3, "injured", "women")]
    found = read(
        "The General Staff reports that enemy losses from 01.06.24 to 30.06.24 amounted to "
        "about 38,000 people."
    )
    assert [(c.count, c.event, c.qualifier) for c in found] == [(38000, "killed", "approx")]


def test_the_people_a_speaker_puts_the_number_of_are_the_victims() -> None:
    found = read("Kyiv put the number of Russian soldiers killed near Vuhledar at more than 500.")
    assert [(c.count, c.victims, c.victim_category, c.qualifier) for c in found] == [
        (500, "Russian soldiers", "combatant", "at_least")
    ]


def test_a_heading_that_names_its_source_covers_the_list_under_it() -> None:
    found = read(
        "Results of the night attack on Odesa, according to the regional police:\n"
        "- 2 people killed\n"
        "- 11 injured, 4 of them hospitalised\n"
        "- 30 cars damaged\n\n"
        "Rescuers worked through the night."
    )
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (2, "killed", "people", "the regional police"),
        (11, "injured", "people", "the regional police"),
    ]
    unsourced = read("Results of the night attack:\n- 2 people killed")
    assert [c.claimant for c in unsourced] == [None]


def test_who_condemns_a_strike_that_killed_people_claims_its_toll() -> None:
    found = read(
        "The Foreign Ministry strongly condemns the Russian strike on Dnipro, which killed "
        "9 civilians."
    )
    assert [(c.count, c.claimant) for c in found] == [(9, "The Foreign Ministry")]


def test_a_long_role_beside_a_name_and_an_office_of_a_country_are_claimants() -> None:
    found = read(
        "Vladimir Rogov, the Moscow-appointed official in charge of the occupied part of the "
        "Zaporizhzhia region, said 3 civilians were killed."
    )
    assert [c.claimant for c in found] == [
        "Vladimir Rogov, the Moscow-appointed official in charge of the occupied part of the "
        "Zaporizhzhia region"
    ]
    found = read("State Border Guard Service of Ukraine: 2 guards were wounded by shelling.")
    assert [c.claimant for c in found] == ["State Border Guard Service of Ukraine"]
    assert [c.claimant for c in read("Bombing of Kharkiv: 4 people killed.")] == [None]


def test_a_rate_per_day_names_no_source() -> None:
    found = read("The analysts estimated that Russia lost 1,200 soldiers per day in June.")
    assert [c.claimant for c in found] == ["The analysts"]


def test_a_person_named_after_a_leading_clause_is_whom_he_stands_for() -> None:
    found = read(
        "When the assault on Robotyne began, Captain Ivan Moroz's platoon had 30 men. "
        "By the end of the week, he said, 11 had been killed."
    )
    assert [(c.count, c.victims, c.claimant) for c in found] == [(11, "men", "Captain Ivan Moroz")]


def test_a_former_role_beside_a_name_is_kept() -> None:
    found = read(
        "Oleksandr Kubrakov, then Ukraine's infrastructure minister, said 14 rail workers "
        "had been killed."
    )
    assert [c.claimant for c in found] == [
        "Oleksandr Kubrakov, then Ukraine's infrastructure minister"
    ]


def test_a_digests_dash_line_does_not_inherit_the_speaker_of_the_line_before() -> None:
    found = read(
        "Key developments:\n"
        "— Russian strikes killed 4 people in Sumy, the regional governor said.\n"
        "— In Kherson, 6 people were injured by drones."
    )
    assert [(c.count, c.claimant) for c in found] == [(4, "the regional governor"), (6, None)]


def test_who_says_a_toll_in_a_relative_clause_claims_it_not_who_condemns_it() -> None:
    found = read(
        "The UN condemned the strike on Chernihiv, which Ukrainian officials said killed 17 people."
    )
    assert [c.claimant for c in found] == ["Ukrainian officials"]
    found = read("The strike, which the air force said involved 40 missiles, killed 11 people.")
    assert [c.claimant for c in found] == [None]


def test_a_bare_count_in_a_new_paragraph_does_not_take_people_counted_before_it() -> None:
    found = read(
        "Russian forces captured 12 Ukrainian soldiers near Bakhmut, the ministry said.\n\n"
        "In Kherson, 3 were killed by shelling."
    )
    assert [(c.count, c.victims) for c in found] == [(12, "Ukrainian soldiers"), (3, None)]


def test_a_ministers_label_with_the_office_spelled_out_names_the_minister() -> None:
    found = read("Minister of Health Viktor Liashko: 3 doctors were killed in the strike.")
    assert [c.claimant for c in found] == ["Minister of Health Viktor Liashko"]


def test_a_long_quotation_that_opens_without_a_figure_is_all_the_speakers() -> None:
    found = read(
        "\u201cThe shelling never stopped. We lost six men on the second day, and another "
        "nine were wounded. No one came to relieve us,\u201d the commander of the mortar "
        "battery said."
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (6, "killed", "the commander of the mortar battery"),
        (9, "injured", "the commander of the mortar battery"),
    ]


def test_a_speaker_after_a_quotation_keeps_the_name_before_a_clause_about_anonymity() -> None:
    found = read(
        "\u201cWe counted 23 of their dead in the tree line,\u201d a platoon leader said, "
        "speaking on condition that his name not be published."
    )
    assert [(c.count, c.claimant) for c in found] == [(23, "a platoon leader")]


def test_the_source_named_in_the_next_sentence_with_a_day_before_it_is_the_claimant() -> None:
    found = read(
        "About 370 civilians have been killed by mines in the region since 2022. "
        "The estimate was released on Monday by the regional prosecutor's office."
    )
    assert [(c.count, c.claimant) for c in found] == [(370, "the regional prosecutor's office")]
    found = read(
        "Fourteen miners were killed when a drone hit their bus.\n\n"
        "The figure was confirmed by the mining company, which said the search was over."
    )
    assert [(c.count, c.claimant) for c in found] == [(14, "the mining company")]


def test_a_following_paragraph_whose_subject_verified_the_figures_names_the_source() -> None:
    found = read(
        "In the first week of July, 41 civilians were killed in Donetsk region.\n\n"
        "The regional police compiled these figures from hospital and morgue records."
    )
    assert [(c.count, c.claimant) for c in found] == [(41, "The regional police")]


def test_a_list_of_sources_is_the_claimant_not_its_first_part() -> None:
    found = read(
        "Eight people were killed, according to the mayor, the regional police and the "
        "emergency service."
    )
    assert [c.claimant for c in found] == [
        "the mayor, the regional police and the emergency service"
    ]
    found = read("The army, the police and the governor said 3 soldiers were killed.")
    assert [c.claimant for c in found] == ["The army, the police and the governor"]
    # A place or time before the sources is not one of them.
    found = read("In Sumy, the police and the mayor said 2 people were killed.")
    assert [c.claimant for c in found] == ["the police and the mayor"]


def test_a_role_that_opens_a_paragraph_is_whom_he_said_stands_for_in_the_next() -> None:
    found = read(
        "The head of the village council met reporters outside the school on Monday.\n\n"
        "Four pupils were killed, he said, and 10 were wounded."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (4, "The head of the village council"),
        (10, "The head of the village council"),
    ]


def test_a_release_headed_by_an_offices_name_is_that_offices() -> None:
    found = read(
        "National Police of Ukraine\n\n"
        "Over the past day, 3 residents of Kherson region were killed by Russian shelling."
    )
    assert [(c.count, c.claimant) for c in found] == [(3, "National Police of Ukraine")]
    # A first line that is not an office's name issues nothing.
    found = read("Kherson, Monday\n\nOver the past day, 3 residents were killed by shelling.")
    assert [c.claimant for c in found] == [None]


def test_a_part_named_in_passing_between_commas_does_not_hide_the_verb() -> None:
    found = read("Twelve people, four of them children, were killed in the strike on Sumy.")
    assert [(c.count, c.event, c.victims) for c in found] == [
        (12, "killed", "people"),
        (4, "killed", "children"),
    ]


def test_criminal_proceedings_over_deaths_are_counted_incidents() -> None:
    found = read("Prosecutors have opened 57 criminal proceedings over the deaths of prisoners.")
    assert [(c.count, c.event) for c in found] == [(57, "incidents")]


def test_he_or_she_never_stands_for_a_ministry_and_it_never_for_a_person() -> None:
    # The last claimant is a ministry; "he" cannot be it, and the text does not say who he is.
    found = read(
        "The Ministry of Defence said it had lost contact with a unit near Kupiansk.\n\n"
        "\u201cSeven of our men were killed there,\u201d he said."
    )
    assert [(c.count, c.claimant) for c in found] == [(7, None)]
    found = read(
        "Governor Ivan Fedorov spoke to reporters in Zaporizhzhia. "
        "It said 5 people were killed in the strike."
    )
    assert [(c.count, c.claimant) for c in found] == [(5, None)]
    # The pronoun that fits is resolved as before.
    found = read(
        "The Ministry of Defence said on Friday that its units had come under fire. "
        "It said 5 soldiers were killed in the strike."
    )
    assert [(c.count, c.claimant) for c in found] == [(5, "The Ministry of Defence")]
    found = read(
        "The Ministry of Defence issued a statement on Friday. "
        "It said 5 soldiers were killed in the strike."
    )
    assert [(c.count, c.claimant) for c in found] == [(5, "The Ministry of Defence")]


def test_an_offices_name_alone_above_a_list_is_the_source_of_its_lines() -> None:
    found = read(
        "State Emergency Service of Ukraine:\n- 4 rescuers killed\n- 7 injured\n- 2 fire engines "
        "destroyed"
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (4, "killed", "State Emergency Service of Ukraine"),
        (7, "injured", "State Emergency Service of Ukraine"),
    ]
    # A heading that names no office gives its list no source.
    found = read("Results of the night attack:\n- 4 people killed\n- 7 injured")
    assert [c.claimant for c in found] == [None, None]


def test_a_count_after_of_the_people_opening_its_sentence_counts_those_people() -> None:
    found = read(
        "Russia handed over 150 prisoners on Tuesday. "
        "Of the soldiers returned, 31 had been wounded in captivity, the ombudsman said."
    )
    assert [(c.count, c.event, c.victims) for c in found] == [(31, "injured", "soldiers")]


def test_killed_before_the_people_it_qualifies_is_their_event() -> None:
    found = read("The city council paid aid to the families of 9 killed firefighters.")
    assert [(c.count, c.event, c.victims) for c in found] == [(9, "killed", "firefighters")]


def test_who_concludes_after_a_survey_is_the_subject_the_sentence_opens_with() -> None:
    found = read(
        "The inquiry commission visited 14 villages before concluding that Russian troops had "
        "executed at least 22 civilians there."
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (22, "executed", "The inquiry commission")
    ]


def test_the_writers_sentence_after_a_closed_quotation_is_not_the_speakers() -> None:
    # The quotation marks close what the mayor said; the toll after it names no source.
    found = read(
        "\u201cWe will rebuild every house,\u201d the mayor said. The strike killed 12 people."
    )
    assert [(c.count, c.claimant) for c in found] == [(12, None)]
    # Reported speech without quotation marks still runs on in its paragraph.
    found = read("The mayor said rescuers were still at the site. The strike killed 12 people.")
    assert [(c.count, c.claimant) for c in found] == [(12, "The mayor")]


def test_a_quotation_that_resumes_after_its_speaker_is_still_the_speakers() -> None:
    found = read(
        "\u201cThey fired at the bus stop,\u201d said a paramedic at the scene. "
        "\u201cFour people died before we arrived.\u201d"
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (4, "died", "a paramedic at the scene")
    ]


def test_those_who_did_not_survive_died() -> None:
    found = read(
        "Doctors at the regional hospital said 30 patients were admitted; 7 did not survive."
    )
    assert [(c.count, c.event, c.claimant) for c in found][-1] == (
        7,
        "died",
        "Doctors at the regional hospital",
    )


def test_a_bulletins_closing_line_naming_who_informs_is_its_source() -> None:
    found = read(
        "Over the past day, 3 people were killed in the district. "
        "The head of the district military administration Ivan Koval informs."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (3, "The head of the district military administration Ivan Koval")
    ]


def test_an_offices_label_before_a_dash_heads_the_list_under_it() -> None:
    found = read(
        "Sumy Regional Prosecutor's Office — consequences of the night strike:\n"
        "— 3 men killed\n— 2 women injured"
    )
    assert [c.claimant for c in found] == [
        "Sumy Regional Prosecutor's Office",
        "Sumy Regional Prosecutor's Office",
    ]


def test_a_part_of_those_killed_named_after_the_copula_is_who_it_counts() -> None:
    found = read("The mission said 22 of those killed were children.")
    assert [(c.count, c.event, c.victims) for c in found] == [(22, "killed", "children")]


def test_a_first_name_with_a_relative_clause_is_whom_he_says_stands_for() -> None:
    found = read(
        "Taras, who drives an ambulance in Kherson, remembers the night of the flood. "
        "\u201cFive of my patients were killed,\u201d he says."
    )
    assert [c.claimant for c in found] == ["Taras"]


# --- Precision traps: figures a careless reader would invent or put in the wrong mouth ---------


def test_a_figure_someone_dismisses_is_not_a_claim_but_their_own_figure_is() -> None:
    found = read(
        "The regional governor rejected online claims that 30 soldiers had died in the strike. "
        "Four soldiers were wounded, the governor said."
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [(4, "injured", "the governor")]


def test_a_toll_foreseen_is_not_a_toll_counted() -> None:
    found = read(
        "Emergency workers found 6 bodies in the collapsed school and warned the toll could "
        "rise to 15, the city council said."
    )
    assert [c.count for c in found] == [6]
    assert read("Officials fear the number of dead may exceed 40.") == []


def test_no_one_is_not_one_person() -> None:
    found = read(
        "No one was killed in the strike on Poltava, but 11 people were hurt, police said."
    )
    assert [(c.count, c.event) for c in found] == [(11, "injured")]


def test_a_correction_keeps_each_figure_with_its_own_source() -> None:
    found = read(
        "Hospital officials initially reported 8 people killed. "
        "On Monday the regional police revised the toll down to 7, saying one body had been "
        "counted twice."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (8, "Hospital officials"),
        (7, "the regional police"),
    ]


def test_a_figure_the_outlet_withdraws_is_not_a_claim() -> None:
    found = read("A previous version of this story said 20 miners were killed in the blast.")
    assert found == []


def test_a_news_outlet_citing_a_source_passes_on_that_sources_figure() -> None:
    found = read(
        "Hromadske reported, citing the regional prosecutor's office, that five civilians "
        "were killed in Vovchansk."
    )
    assert [(c.count, c.claimant) for c in found] == [(5, "the regional prosecutor's office")]


def test_two_outlets_in_one_sentence_each_pass_on_their_own_source() -> None:
    found = read(
        "Meduza, quoting a local doctor, wrote that 9 people were wounded; Kommersant, citing "
        "the acting governor, put the number at 12."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (9, "a local doctor"),
        (12, "the acting governor"),
    ]


def test_claims_by_someone_the_writer_could_not_verify_are_theirs() -> None:
    found = read(
        "Reporters could not verify claims by the occupation authorities that 7 residents "
        "were killed in Nova Kakhovka."
    )
    assert [(c.count, c.claimant) for c in found] == [(7, "the occupation authorities")]


def test_a_claim_relayed_at_a_distance_is_its_claimers() -> None:
    found = read(
        "The analysts wrote that pro-war bloggers claimed 60 Ukrainian marines were killed "
        "on the left bank."
    )
    assert [(c.count, c.claimant) for c in found] == [(60, "pro-war bloggers")]


def test_a_post_shared_by_someone_is_its_authors() -> None:
    found = read(
        "A teacher forwarded a message from the district administration saying 2 children "
        "had been injured."
    )
    assert [(c.count, c.claimant) for c in found] == [(2, "the district administration")]


def test_the_speaker_of_a_participle_is_the_subject_of_its_verb() -> None:
    found = read(
        "The border guard service denied the report, saying it had lost 3 guards in the attack."
    )
    assert [(c.count, c.claimant) for c in found] == [(3, "The border guard service")]


def test_an_accusation_is_its_makers_claim_but_the_people_charged_are_suspects() -> None:
    found = read("The foreign ministry accused Russia of killing 14 civilians in Kramatorsk.")
    assert [(c.count, c.victims, c.claimant) for c in found] == [
        (14, "civilians", "The foreign ministry")
    ]
    assert read("Prosecutors have charged 2 Russian officers with killing civilians.") == []


def test_people_exchanged_with_wounded_among_them_are_not_a_harm_claim() -> None:
    found = read(
        "Ukraine brought home 75 prisoners of war on Sunday, including 10 wounded soldiers."
    )
    assert found == []


def test_criminal_proceedings_count_as_incidents_only_about_harm() -> None:
    assert read("Police opened 9 criminal proceedings for looting in Kherson.") == []
    found = read("Police opened 9 criminal proceedings into the deaths of civilians in Kherson.")
    assert [(c.count, c.event) for c in found] == [(9, "incidents")]


def test_a_part_among_a_toll_does_not_lend_its_people_to_the_toll() -> None:
    found = read("Two medics were among the 8 killed, the health ministry said.")
    assert [(c.count, c.event, c.victims) for c in found] == [(8, "killed", None)]


def test_a_unit_ordinal_or_ages_do_not_cut_the_people_from_their_verb() -> None:
    found = read("Three marines of the 36th Brigade, aged 20, 24 and 31, were killed, it said.")
    assert [(c.count, c.event, c.victims) for c in found] == [(3, "killed", "marines")]


def test_a_figure_quoted_alone_keeps_its_people() -> None:
    found = read("The commander wrote that 'about 70' Russian paratroopers had been killed.")
    assert [(c.count, c.qualifier, c.victims) for c in found] == [
        (70, "approx", "Russian paratroopers")
    ]


def test_a_denier_keeps_its_own_figure_in_the_same_sentence() -> None:
    found = read("The army rejected claims that 40 soldiers had deserted, saying 2 were wounded.")
    assert [(c.count, c.event, c.claimant) for c in found] == [(2, "injured", "The army")]


def test_a_figure_the_sentence_calls_wrong_is_not_a_claim() -> None:
    found = read("Officials said initial reports of 20 dead were false and that 4 people died.")
    assert [(c.count, c.event) for c in found] == [(4, "died")]


def test_suspects_are_not_victims() -> None:
    found = read("Investigators named 3 suspects in the killing of 5 villagers in Yahidne.")
    assert [(c.count, c.victims) for c in found] == [(5, "villagers")]


def test_one_shocked_by_reports_does_not_claim_them() -> None:
    found = read(
        "The EU's foreign policy chief said he was shocked by reports that 30 civilians had "
        "been killed in Pokrovsk."
    )
    assert [(c.count, c.claimant) for c in found] == [(30, None)]


def test_appeals_about_the_missing_are_not_a_count_of_the_missing() -> None:
    assert read("The hotline has received 800 complaints from families of missing marines.") == []


def test_bodies_of_people_executed_are_an_execution_claim() -> None:
    found = read("The bodies of 3 men who had been executed were found in a basement, police said.")
    assert [(c.count, c.event, c.victims) for c in found] == [(3, "executed", "men")]


def test_a_source_given_as_data_of_an_office_in_brackets_is_the_office() -> None:
    found = read("In Izium 2 people were killed (data of the regional police).")
    assert [(c.count, c.claimant) for c in found] == [(2, "the regional police")]


def test_the_one_accused_is_not_the_claimant_nor_is_a_strike_that_claimed_lives() -> None:
    found = read("A Russian soldier accused of killing 3 civilians in Bucha went on trial.")
    assert [c.claimant for c in found] == [None]
    found = read("The strike, the first in weeks, killed 3 people, officials initially said.")
    assert [c.claimant for c in found] == ["officials"]


def test_a_clause_before_a_second_claimant_is_not_that_claimants() -> None:
    found = read("Four people were killed, while the mayor said 15 were injured.")
    assert [(c.count, c.claimant) for c in found] == [(4, None), (15, "the mayor")]


def test_an_outlet_citing_its_own_tally_is_the_claimant() -> None:
    found = read("The Associated Press, citing its own tally, said 26 medics had been killed.")
    assert [(c.count, c.claimant) for c in found] == [(26, "The Associated Press")]


def test_a_loss_foreseen_on_a_condition_is_not_a_claim() -> None:
    assert (
        read("Analysts say Russia could lose 2,000 troops a week if the offensive goes on.") == []
    )


def test_one_person_named_in_the_singular_is_who_the_count_counts() -> None:
    found = read("One paramedic was wounded and 1 resident was killed, the regional police said.")
    assert [(c.count, c.event, c.victims, c.victim_category) for c in found] == [
        (1, "injured", "paramedic", "civilian"),
        (1, "killed", "resident", "civilian"),
    ]


def test_people_joined_after_hardware_take_the_verb_over_both() -> None:
    found = read("Drone operators destroyed 4 tanks and 11 occupiers, the brigade said.")
    assert [(c.count, c.event, c.victims) for c in found] == [(11, "killed", "occupiers")]
    assert read("Russia launched 40 drones and 3 missiles overnight.") == []


def test_a_statement_not_made_is_no_claim_but_the_one_it_recalls_is() -> None:
    """'has not published' states nothing and a writer's caveat continues into nothing; 'when
    it said 5,937 ...' is what Moscow did say, 'it' standing for the sentence's own subject."""
    found = read(
        "Figures from the Ukrainian side could not be verified. Moscow has not published its "
        "losses since 2022, when it said 5,937 of its soldiers had died."
    )
    assert [(c.count, c.claimant) for c in found] == [(5937, "Moscow")]
    found = read("The strike destroyed a school, when it said 5 people were killed.")
    assert [(c.count, c.claimant) for c in found] == [(5, None)]


def test_the_writers_background_after_a_speaker_is_not_the_speakers() -> None:
    found = read(
        "A drone killed 3 civilians in Nikopol, the governor said, two days after 4 people "
        "died in a strike on the market."
    )
    assert [(c.count, c.claimant) for c in found] == [(3, "the governor"), (4, None)]


def test_an_account_run_by_an_office_is_the_office() -> None:
    found = read('A Telegram channel run by the city council posted: "2 dead in Pavlohrad."')
    assert [(c.count, c.claimant) for c in found] == [(2, "the city council")]


def test_a_second_source_after_separately_has_its_own_figures() -> None:
    found = read("The governor reported 2 killed; separately, the police reported 5 injured.")
    assert [(c.count, c.claimant) for c in found] == [(2, "The governor"), (5, "the police")]


def test_a_role_and_name_before_said_on_a_day_are_the_speaker() -> None:
    """'..., the head of the administration, Ivan Fedorov, said on Tuesday after ...': the words
    after the verb say when, so the role and name before it claim the figures (was 'on')."""
    found = read(
        "A guided bomb struck Zaporizhzhia on Sunday, killing four people and wounding 22, the "
        "head of the regional military administration, Ivan Fedorov, said on Tuesday after "
        "rescuers finished clearing the rubble."
    )
    who = "the head of the regional military administration, Ivan Fedorov"
    assert [(c.count, c.claimant) for c in found] == [(4, who), (22, who)]
    found = read(
        "Five people were killed, Ivan Fedorov, the regional governor, said in a statement."
    )
    assert [(c.count, c.claimant) for c in found] == [(5, "Ivan Fedorov, the regional governor")]


def test_a_source_sentence_may_hold_a_number_that_is_not_a_count() -> None:
    """'This is according to X, who said rescuers were searching a five-storey building': the
    'five' describes a building; the sentence still names the source of the toll before it."""
    found = read(
        "At least 11 people were killed when two missiles hit Kharkiv on Thursday. This is "
        "according to the governor, Oleh Syniehubov, who said rescuers were still searching "
        "the ruins of a five-storey building."
    )
    assert [(c.count, c.claimant) for c in found] == [(11, "the governor, Oleh Syniehubov")]
    found = read("At least 11 people were killed. These figures are from 2022.")
    assert [(c.count, c.claimant) for c in found] == [(11, None)]


def test_he_stands_for_the_officer_as_first_named_not_for_the_officer() -> None:
    found = read(
        "Russian forces lost 130 soldiers, a battalion press officer said. "
        '"They came in waves," the officer told AP. Three soldiers from his battalion were '
        "wounded, he said."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (130, "a battalion press officer"),
        (3, "a battalion press officer"),
    ]
    # named again in its own words, the claimant is as written
    found = read("A press officer said 130 soldiers died. Three were wounded, the officer said.")
    assert [c.claimant for c in found] == ["A press officer", "the officer"]


def test_a_title_naming_an_offices_briefing_is_the_issuer() -> None:
    found = read(
        "Russian Defence Ministry briefing, 21 May 2025\n\n"
        "Over the past 24 hours, the enemy's losses amounted to up to 45 servicemen and three "
        "motor vehicles. The Ukrainian Armed Forces lost over 230 servicemen and two tanks."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (45, "Russian Defence Ministry"),
        (230, "Russian Defence Ministry"),
    ]
    # a title about a briefing that is not an office's is no issuer
    assert read("Morning briefing\n\nFive people were killed in Sumy.")[0].claimant is None


def test_a_relative_clause_after_the_executed_does_not_change_what_befell_them() -> None:
    found = read(
        "The Mission has documented the execution of 24 Ukrainian servicemen who were in "
        "Russian custody or had been captured on the battlefield."
    )
    assert [(c.count, c.event) for c in found] == [(24, "executed")]
    found = read("Two nurses who were treating patients were killed.")
    assert [(c.count, c.event) for c in found] == [(2, "killed")]


def test_a_posts_closing_signature_signs_figures_paragraphs_above_it() -> None:
    found = read(
        "As a result of enemy shelling of Kupiansk district during the day 2 persons were "
        "injured.\n\nInformation is being clarified.\n\n— Kharkiv Regional Military Administration"
    )
    assert [(c.count, c.claimant) for c in found] == [
        (2, "Kharkiv Regional Military Administration")
    ]
    # a signature inside the text signs only what is next to it
    found = read(
        "Two people were killed in Sumy.\n\n— Sumy Regional Military Administration\n\n"
        "A strike on Kharkiv killed 3 people."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (2, "Sumy Regional Military Administration"),
        (3, None),
    ]


def test_the_captivity_of_people_come_home_is_not_a_capture() -> None:
    found = read(
        "In the exchange, 246 Ukrainian servicemen came home. Twelve of the returned defenders "
        "had been held since the fall of Mariupol."
    )
    assert found == []
    assert [c.event for c in read("Of the Ukrainians freed, 20 had been wounded.")] == ["injured"]


def test_a_date_or_place_before_the_subject_does_not_hide_it() -> None:
    found = read(
        "Since February 2022 the Ukrainian Healthcare Center, a Kyiv think tank, has recorded "
        "the deaths of 236 health workers."
    )
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (236, "died", "the Ukrainian Healthcare Center")
    ]
    assert [c.claimant for c in read("In May the police said 3 people were killed.")] == [
        "the police"
    ]
    assert [c.claimant for c in read("In Kharkiv the police said 3 people were killed.")] == [
        "the police"
    ]


def test_a_part_of_the_commanders_men_and_those_still_missing_are_his_men() -> None:
    found = read(
        "“Of the 600 men I had in the spring, 212 have been killed or wounded,” the commander "
        "said. “Nineteen are still listed as missing.”"
    )
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (212, "casualties", "men", "the commander"),
        (19, "missing", "men", "the commander"),
    ]


def test_soldiers_shot_after_raising_their_hands_or_disarmed_are_prisoners_of_war() -> None:
    found = read(
        "Six servicemen were shot dead after they had raised their hands, the ombudsman said. "
        "A drone video showed two disarmed soldiers being shot dead on a road."
    )
    assert [(c.count, c.victim_category) for c in found] == [(6, "pow"), (2, "pow")]
    # unarmed men are not known to be soldiers
    assert [c.victim_category for c in read("Police said 2 unarmed men were killed.")] == [
        "unknown"
    ]


def test_a_part_of_a_toll_with_its_own_harm_is_two_claims() -> None:
    """'2 of the 9 wounded ... had died': nine wounded, and two of them died (neither was read)."""
    found = read(
        "Hospital director Oleksandr Danyliuk said 2 of the 9 wounded brought in after the "
        "strike had died."
    )
    assert sorted((c.count, c.event) for c in found) == [(2, "died"), (9, "injured")]
    # a part said to be something else is no claim of its own
    found = read("The director said 2 of the 9 wounded were children.")
    assert [(c.count, c.event) for c in found] == [(9, "injured")]


def test_a_toll_given_early_on_a_day_by_a_role_and_name_in_the_next_paragraph() -> None:
    found = read(
        "A missile struck Dnipro on Monday evening, killing at least seven people.\n\n"
        "The toll was given early on Tuesday by the head of the regional military "
        "administration, Serhiy Lysak, who said rescuers had worked through the night."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (7, "the head of the regional military administration, Serhiy Lysak")
    ]


def test_a_speaker_who_says_something_else_does_not_claim_the_toll_before() -> None:
    found = read(
        "Four villagers were killed. The shop's owner, Halyna Rudenko, said she had counted "
        "12 people waiting for the bread van."
    )
    assert [(c.count, c.claimant) for c in found] == [(4, None)]


def test_a_statement_on_a_website_and_its_own_report_are_their_publishers() -> None:
    found = read(
        "Over the past week, 43 Ukrainian servicemen surrendered, according to a statement "
        "on the ministry's website."
    )
    assert [(c.count, c.claimant) for c in found] == [(43, "the ministry")]
    found = read(
        "The Coordination Headquarters for the Treatment of Prisoners of War has registered "
        "more than 16,000 Ukrainian servicemen as missing, according to its annual report."
    )
    assert [c.claimant for c in found] == [
        "The Coordination Headquarters for the Treatment of Prisoners of War"
    ]


def test_he_stands_for_a_sergeant_introduced_by_role_unit_and_call_sign() -> None:
    found = read(
        "A platoon sergeant in the 66th Mechanised Brigade who goes by the call sign Bober met "
        "reporters at a farmhouse. His platoon had lost four men in September, he said."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (4, "A platoon sergeant in the 66th Mechanised Brigade")
    ]


def test_a_long_role_before_the_name_is_still_a_claimant() -> None:
    found = read(
        "Drones struck a bus station in Enerhodar, killing three people, the Kremlin-appointed "
        "governor of the occupied part of the Zaporizhzhia region, Yevgeny Balitsky, said."
    )
    assert [c.claimant for c in found] == [
        "the Kremlin-appointed governor of the occupied part of the Zaporizhzhia region, "
        "Yevgeny Balitsky"
    ]


def test_the_qualified_people_and_a_part_of_a_units_people_keep_their_words() -> None:
    found = read(
        "Eleven wounded servicemen who were being carried in the ambulances were killed. Two "
        "of the company's medics have been missing since August, she said."
    )
    assert [(c.count, c.victims) for c in found] == [(11, "wounded servicemen"), (2, "medics")]


def test_a_quotation_running_over_two_paragraphs_is_its_final_speakers() -> None:
    found = read(
        "“They threw everything at us. We lost 14 men killed and 38 wounded.\n\n"
        "“The worst of it is the evacuation,” said Col. Taras Hordiienko, who commands the 31st "
        "Mechanised Brigade."
    )
    assert [(c.count, c.claimant) for c in found] == [
        (14, "Col. Taras Hordiienko"),
        (38, "Col. Taras Hordiienko"),
    ]
    # a closed quotation, then a new paragraph's: the first is not the second's speaker's
    found = read('"We lost 14 men," a soldier said.\n\n"It was hard," said the mayor.')
    assert [(c.count, c.claimant) for c in found] == [(14, "a soldier")]


def test_figures_feared_called_fake_or_of_another_war_are_not_claims() -> None:
    found = read(
        "A missile killed two port workers, governor Oleh Kiper said. Posts on Telegram "
        "claiming that 15 crew members had died were “fake”, the navy said. Port operators "
        "warned that up to 100 workers could die in a single strike."
    )
    assert [(c.count, c.claimant) for c in found] == [(2, "governor Oleh Kiper")]
    found = read(
        "The Second World War, in which some 27 million Soviet citizens were killed, still "
        "frames how residents talk. Roughly 600 people died inside the theatre."
    )
    assert [c.count for c in found] == [600]


def test_proceedings_about_property_are_not_harm_to_people() -> None:
    found = read(
        "Prosecutors have opened 2,600 criminal proceedings into the destruction of civilian "
        "property. They have opened 86 criminal proceedings into the killing of civilians."
    )
    assert [(c.count, c.event) for c in found] == [(86, "incidents")]


def test_people_named_again_between_commas_keep_their_verb() -> None:
    found = read("Seven civilians, employees of the bakery, were killed.")
    assert [(c.count, c.event, c.victims) for c in found] == [(7, "killed", "civilians")]


def test_a_formal_title_names_its_issuer_in_full() -> None:
    found = read(
        "Comment by the Official Representative of the Ministry of Foreign Affairs of the "
        "Russian Federation M.V. Zakharova on the shelling of Rubizhne\n\n"
        "Ukrainian formations struck a bakery. Seven civilians were killed."
    )
    assert [c.claimant for c in found] == [
        "the Official Representative of the Ministry of Foreign Affairs of the Russian "
        "Federation M.V. Zakharova"
    ]


def test_telegram_posts_signed_by_a_head_of_administration_or_a_unit() -> None:
    found = read(
        "Consequences of the night attack on Kharkiv — 4 dead, 17 wounded\n"
        "— in Saltivskyi district, a drone hit a 9-storey building.\n\n"
        "Oleh Syniehubov, head of Kharkiv Regional Military Administration"
    )
    who = "Oleh Syniehubov, head of Kharkiv Regional Military Administration"
    assert [(c.count, c.claimant) for c in found] == [(4, who), (17, who)]
    found = read(
        "The enemy lost 27 occupiers killed and 14 wounded.\n\n"
        "Glory to Ukraine! | 93rd Brigade Kholodnyi Yar"
    )
    assert {c.claimant for c in found} == {"93rd Brigade Kholodnyi Yar"}


def test_labels_and_according_to_an_estimate_are_not_claimants() -> None:
    found = read("According to preliminary estimates, 86 occupiers were eliminated.")
    assert [(c.count, c.claimant) for c in found] == [(86, None)]
    found = read("Update: the number of injured has increased to 31.")
    assert [(c.count, c.claimant) for c in found] == [(31, None)]
    assert [c.claimant for c in read("Kharkiv governor: 3 people injured.")] == ["Kharkiv governor"]


def test_a_source_the_figure_follows_from() -> None:
    found = read(
        "At least 655 children have been killed in Ukraine, it follows from the data of the "
        "Office of the Prosecutor General as of the morning of 1 December."
    )
    assert [(c.count, c.claimant) for c in found] == [(655, "the Office of the Prosecutor General")]


def test_ranges_with_one_multiplier_and_dozens() -> None:
    found = read("Syrskyi said the enemy lost 5-7 thousand servicemen killed and wounded.")
    assert [(c.count, c.count_high, c.qualifier) for c in found] == [(5000, 7000, "range")]
    found = read("Between 1.5 and 2 thousand Ukrainian servicemen are considered missing.")
    assert [(c.count, c.count_high) for c in found] == [(1500, 2000)]
    found = read("The strike wounded two dozen people, the mayor said. Dozens fled.")
    assert [(c.count, c.event) for c in found] == [(24, "injured")]


def test_suspects_identified_and_survivors_are_not_victims() -> None:
    found = read(
        "Kovalenko said investigators had identified 11 Russian servicemen they believe took "
        "part in the killings. The BBC relied on the testimony of two survivors who had "
        "pretended to be dead."
    )
    assert found == []


def test_a_publishers_own_report_and_a_witness_signed_in_a_testimony_line() -> None:
    found = read(
        "Bellwether Investigations | Findings, March 2025\n\n"
        "Our analysis identified cases in which at least 63 surrendering soldiers were killed."
    )
    assert [(c.count, c.claimant) for c in found] == [(63, "Bellwether Investigations")]
    found = read(
        "Three of my comrades were killed there, right next to me.\n\n"
        "— Serhiy, an infantryman of the 59th Brigade, in testimony recorded in Kyiv in "
        "February 2025. He asked that his surname not be published."
    )
    assert [c.claimant for c in found] == ["Serhiy, an infantryman of the 59th Brigade"]


def test_them_stands_for_the_people_named_earlier_in_the_sentence() -> None:
    found = read(
        "The spokesman said drone operators had attacked Russian servicemen who were trying "
        "to surrender, killing 17 of them."
    )
    assert [(c.count, c.victims) for c in found] == [(17, "Russian servicemen")]


def test_a_noun_after_a_determiner_is_no_speakers_verb() -> None:
    """ "dismissed the reports" is no one reporting: the reader names no one rather than a
    scrap of the sentence."""
    found = read(
        "Russia's Foreign Ministry spokeswoman, Yelena Borodina, dismissed the reports. "
        "It was Ukrainian units, she said, that had murdered at least 40 Russian prisoners."
    )
    assert [c.count for c in found] == [40]
    assert found[0].claimant in {None, "Russia's Foreign Ministry spokeswoman, Yelena Borodina"}
    (claim,) = read("The ministry reports 40 civilians killed in the region.")
    assert claim.claimant == "The ministry"


def test_a_part_of_the_people_a_mission_documented_keeps_them_as_victims() -> None:
    found = read(
        "The UN Human Rights Office said in a report released today that, of the Ukrainian "
        "prisoners of war whose deaths in Russian hands it had documented since February 2022, "
        "79 were executed shortly after capture and 61 were killed in places of internment."
    )
    assert [(c.count, c.event, c.victims) for c in found] == [
        (79, "executed", "Ukrainian prisoners of war"),
        (61, "killed", "Ukrainian prisoners of war"),  # in internment, manner not given
    ]
    assert {c.claimant for c in found} == {"The UN Human Rights Office"}


def test_a_nationality_before_reports_is_no_speaker() -> None:
    (claim,) = read(
        "Russia's Foreign Ministry spokeswoman, Yelena Borodina, dismissed as "
        "\u201cfabrications\u201d Ukrainian reports that Russian troops had shot "
        "surrendering soldiers near Siversk, "
        "telling her weekly briefing that Russia \u201cstrictly observes\u201d the Geneva "
        "Conventions. "
        "It was Ukrainian units, she said, that had murdered at least 40 Russian prisoners."
    )
    assert claim.count == 40
    assert claim.claimant != "Ukrainian"


def test_a_press_service_or_a_commissioner_signing_a_post_below_a_slogan() -> None:
    brigade = read(
        "Earlier that day, our artillery destroyed 17 occupiers in the same sector.\n\n"
        "Choose life \u2014 surrender!\n\nPress service of the 163rd Separate Mechanised Brigade"
    )
    assert [c.claimant for c in brigade] == [
        "Press service of the 163rd Separate Mechanised Brigade"
    ]
    commissioner = read(
        "Since January I have recorded the killing of 42 Ukrainian POWs on the battlefield.\n\n"
        "The world must react!\n\n"
        "Ukrainian Parliament Commissioner for Human Rights Oleksandr Mykytiuk "
        "(Telegram, translated from Ukrainian)"
    )
    assert [c.claimant for c in commissioner] == [
        "Ukrainian Parliament Commissioner for Human Rights Oleksandr Mykytiuk"
    ]
