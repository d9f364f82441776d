"""Confidence follows the evidence a rule had: more cues that agree, higher confidence."""

from transforms.extract import extract_facts


def test_a_rank_stated_in_full_is_surer_than_a_lead_taken_from_the_subject() -> None:
    text = (
        "Hà Giang đẩy mạnh chuyển đổi số\n"
        "Theo Chỉ số chuyển đổi số năm 2022, Hà Giang xếp thứ 12/63 tỉnh, thành phố. "
        "Ở chỉ số hạ tầng số, tỉnh tiếp tục dẫn đầu khu vực miền núi."
    )
    by_rank = {r.rank: r.confidence for r in extract_facts(text).rankings}
    assert by_rank[12] >= 0.9
    assert 1 not in by_rank or by_rank[1] < by_rank[12]


def test_every_fact_carries_a_confidence_between_0_and_1() -> None:
    text = (
        "Sáng 5/3/2024, ông Trần Văn Minh, Chủ tịch UBND tỉnh Nam Định, cho biết theo Quyết định số "
        "742/QĐ-UBND, tỷ lệ hồ sơ trực tuyến đạt 65%, toàn tỉnh có 1.200 tổ công nghệ số cộng đồng và "
        "Nam Định xếp thứ 21/63 về Chỉ số chuyển đổi số năm 2023."
    )
    facts = extract_facts(text)
    found = [*facts.rankings, *facts.metrics, *facts.people, *facts.legal_refs]
    assert len(found) >= 5
    assert all(0 < f.confidence <= 1 for f in found)
    assert min(m.confidence for m in facts.metrics if m.kind == "percent") >= 0.9
