"""Sentence offsets and repeated captions."""

from transforms.extract.sentences import split_sentences


def test_offsets_point_into_the_text() -> None:
    text = "Tỉnh đạt 90%. Huyện đạt 80%.\nDòng mới"
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == ["Tỉnh đạt 90%.", "Huyện đạt 80%.", "Dòng mới"]


def test_repeated_caption_is_marked_once() -> None:
    caption = "Ông A phát biểu tại hội nghị tổng kết năm 2023."
    sentences = split_sentences(f"{caption}\n\n{caption}\nNội dung khác ở đây.")
    assert [s.repeat for s in sentences] == [False, True, False]


def test_abbreviation_does_not_end_a_sentence() -> None:
    assert len(split_sentences("Tại TP. Hồ Chí Minh có 10 điểm.")) == 1
