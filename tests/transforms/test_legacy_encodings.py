"""TCVN3 (ABC) and VNI: round trips through the decoder tables, anchors from the published code
charts, and the detection that tells them from Windows-1258 and from text that is not Vietnamese."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.reliability.bad_corpus import encode_tcvn3, encode_vni
from tests.transforms.test_documents import TEXT, VIETNAMESE_LETTERS, reason, to_cp1258
from transforms.documents import LEGACY, decode_document, decode_tcvn3, decode_vni, syllable_share

ALL_LETTERS = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
WORDS = [
    "chuyển",
    "đổi",
    "số",
    "tỉnh",
    "thành",
    "phố",
    "người",
    "dân",
    "được",
    "hưởng",
    "lợi",
    "quyền",
    "điện",
    "tử",
    "khuya",
    "giữa",
    "quốc",
    "Nguyễn",
    "Thị",
    "Hương",
    "Trường",
    "Đăng",
    "Khoa",
    "ưu",
    "tiên",
    "hồ",
    "sơ",
    "trực",
    "tuyến",
    "xếp",
    "hạng",
    "nhất",
    "Việt",
    "Nam",
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_vni_round_trips_every_letter_of_both_cases() -> None:
    assert decode_vni(encode_vni(ALL_LETTERS)) == ALL_LETTERS


def test_tcvn3_round_trips_every_letter() -> None:
    # Lower case is the ABC (VN3) set; the capitals come from TCVN 5712 VN1.
    assert nfc(decode_tcvn3(encode_tcvn3(ALL_LETTERS))) == ALL_LETTERS


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"B\xb6o Th\xbeng", "Bảo Thắng"),  # TCVN3: ả = 0xB6, ắ = 0xBE
        (b"M\xad\xeang Kh\xad\xacng", "Mường Khương"),  # ư = 0xAD, ờ = 0xEA, ơ = 0xAC
        (b"\xa7\xe5ng Th\xb8p, Vi\xd6t Nam", "Đồng Tháp, Việt Nam"),
    ],
)
def test_tcvn3_chart_anchors(data: bytes, text: str) -> None:
    assert nfc(decode_tcvn3(data)) == text


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"Xin cha\xf8o ca\xf9c ba\xefn", "Xin chào các bạn"),  # à = a+ø, á = a+ù, ạ = a+ï
        (b"Vie\xe4t Nam, t\xe6nh V\xf3nh Long", "Việt Nam, tỉnh Vĩnh Long"),  # ệ = e+ä, ỉ = æ, ĩ = ó
        (b"\xd1O\xc0NG TH\xc1P, ng\xf6\xf4\xf8i", "ĐỒNG THÁP, người"),  # upper-case marks; ư = ö, ơ = ô
    ],
)
def test_vni_chart_anchors(data: bytes, text: str) -> None:
    assert decode_vni(data) == text


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv")
def test_tcvn3_table_agrees_with_glibc_tcvn5712() -> None:
    high = bytes(range(0xA0, 0x100))
    glibc = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=high, capture_output=True)
    if glibc.returncode != 0:
        pytest.skip("iconv has no TCVN5712-1")
    assert decode_tcvn3(high) == glibc.stdout.decode()


@pytest.mark.parametrize(
    ("encode", "label"), [(encode_tcvn3, "tcvn3"), (encode_vni, "vni"), (to_cp1258, "windows-1258")]
)
def test_each_encoding_is_detected_and_gives_the_utf8_document(encode: object, label: str) -> None:
    assert callable(encode)
    doc = decode_document(encode(TEXT), ".txt")
    assert (doc.encoding, doc.doc_id) == (label, decode_document(TEXT.encode(), ".txt").doc_id)


# A few words can be well-formed under two tables (VNI "ưu" is TCVN3 "ửu"): detection needs a
# sentence, which every report has.
sentences = st.lists(st.sampled_from(WORDS), min_size=8, max_size=40).map(" ".join)


@hypothesis_settings(max_examples=300)
@given(sentences)
def test_any_sentence_survives_tcvn3_and_vni(sentence: str) -> None:
    utf8 = decode_document(sentence.encode(), ".txt").text
    for encode in (encode_tcvn3, encode_vni):
        data = encode(sentence)
        if data.isascii():  # nothing to tell apart: plain ASCII is read as UTF-8
            continue
        assert decode_document(data, ".txt").text == utf8


def test_half_garbled_legacy_text_is_refused_with_the_reason() -> None:
    # Good TCVN3 syllables mixed with letter runs no syllable allows: the conversion would not be
    # trustworthy, and Windows-1258 reads it as symbols; refused, saying which encoding is suspected.
    sentence = "tỉnh thành người được đđ ưư ơơ"
    data = encode_tcvn3(sentence)
    assert 0.5 <= syllable_share(decode_tcvn3(data)) < 0.8
    assert reason(data, ".txt") == LEGACY


def test_text_in_other_languages_is_still_not_read_as_legacy_vietnamese() -> None:
    assert reason("Straße über Äcker, Größe".encode("latin-1"), ".txt").startswith("not valid UTF-8")
    assert reason("Ça déçoit: où êtes-vous, garçon?".encode("cp1252"), ".txt").startswith("not valid")


def test_syllable_share() -> None:
    assert syllable_share("Tỉnh Đồng Tháp") == 1.0
    assert syllable_share("TØnh §ång Th¸p") == 0.0  # TCVN3 bytes read as Windows-1252
    assert syllable_share("only ascii") == 0.0


def test_a_stop_closed_syllable_takes_only_a_rising_or_heavy_tone() -> None:
    # "trực" read through the other table is "trùc": a syllable closed by c with a falling tone, which
    # Vietnamese does not have, so the right table wins even with a single accented word.
    sentence = "khuya khuya khuya khuya trực trực trực trực"
    for encode in (encode_tcvn3, encode_vni):
        assert decode_document(encode(sentence), ".txt").text == sentence
