"""Swedish alphabetical order, independent of the machine's locale."""

from __future__ import annotations

from checker.output.collation import swedish_sorted


def test_a_with_ring_a_with_dots_and_o_with_dots_follow_z_in_that_order():
    names = ["Örebro", "Ängelholm", "Åre", "Zinkgruvan", "Arboga", "Övertorneå", "Ale"]
    assert swedish_sorted(names) == [
        "Ale",
        "Arboga",
        "Zinkgruvan",
        "Åre",
        "Ängelholm",
        "Örebro",
        "Övertorneå",
    ]


def test_case_does_not_decide_the_order_but_breaks_ties_the_same_way_every_time():
    assert swedish_sorted(["övik", "Åmål", "älvdalen", "Ystad"]) == [
        "Ystad",
        "Åmål",
        "älvdalen",
        "övik",
    ]
    assert swedish_sorted(["heby", "Heby"]) == swedish_sorted(["Heby", "heby"])


def test_other_accents_file_under_their_base_letter_and_ae_oe_under_a_and_o_with_dots():
    assert swedish_sorted(["Eslöv", "Écija", "Edsbyn"]) == ["Écija", "Edsbyn", "Eslöv"]
    assert swedish_sorted(["Øvre", "Ödeshög", "Oslo"]) == ["Oslo", "Ödeshög", "Øvre"]
    assert swedish_sorted(["Müller", "Myrén", "Mutala"]) == ["Mutala", "Müller", "Myrén"]


def test_numbers_compare_by_value():
    refs = ["11 kap. 5 §", "4 kap. 1 § andra stycket", "4 kap. 1 §", "3 kap. 5 §", "16 kap. 3 §"]
    assert swedish_sorted(refs) == [
        "3 kap. 5 §",
        "4 kap. 1 §",
        "4 kap. 1 § andra stycket",
        "11 kap. 5 §",
        "16 kap. 3 §",
    ]
