"""English questions read into Vietnamese: the glossary, its plurals, and how much it reads."""

from __future__ import annotations

from rag.reading.english import english_known, translate_english


def test_english_is_mapped_to_vietnamese_terms() -> None:
    query, english = translate_english("When was Resolution 57-NQ/TW issued?")
    assert english
    assert "Nghị quyết" in query and "ban hành" in query and "57-NQ/TW" in query


def test_english_terms_beyond_the_question_phrases_and_their_plurals() -> None:
    query, _ = translate_english("Which fees and fines apply to vehicles without a licence?")
    assert "phí" in query and "phạt tiền" in query and "phương tiện" in query and "giấy phép" in query
    query, _ = translate_english("What policies cover unemployment benefits for workers?")
    assert "chính sách" in query and "trợ cấp thất nghiệp" in query
    # One pass, longest phrase first: "who signed" is not read as "who" + "signed", and the
    # Vietnamese put in is never translated again.
    assert (
        translate_english("Who signed the state budget plan?")[0] == "ai ký the ngân sách nhà nước Kế hoạch?"
    )


def test_how_much_of_an_english_question_the_glossary_reads() -> None:
    assert english_known("Who signed the provincial plan?") == 1.0
    # names ("Da Nang") and function words aside, "electric buses buy" is all unread
    assert english_known("How many electric buses will Da Nang buy in 2027?") == 0.0
    assert english_known("Which company will build the metro line?") < 0.6


def test_an_english_question_glossing_itself_in_vietnamese_is_english() -> None:
    # The Vietnamese word it asks about, in brackets or quotes, does not make it Vietnamese ...
    query, english = translate_english("What fee applies to a rural market (chợ nông thôn) stall?")
    assert english and "chợ nông thôn" in query and "phí" in query
    assert translate_english('Who signs the plan on "đường liên xã" repairs?') == (
        'ai ký the Kế hoạch on "đường liên xã" repairs?',
        True,
    )
    # ... nor counts as English words the glossary cannot read.
    assert english_known("What fee applies to a market (chợ nông thôn)?") == english_known(
        "What fee applies to a market?"
    )
    # Vietnamese outside a gloss is a Vietnamese question.
    assert not translate_english("Phí chợ (market fee) là bao nhiêu?")[1]


def test_a_digital_signature_certificate_is_a_chung_thu() -> None:
    # The certificate of a digital signature is "chứng thư", not the "giấy chứng nhận" of a licence.
    query, _ = translate_english("Who renews official-duty digital signature certificates?")
    assert "chứng thư chữ ký số" in query and "giấy chứng nhận" not in query
    assert "giấy chứng nhận" in translate_english("Who issues the certificate of origin?")[0]
