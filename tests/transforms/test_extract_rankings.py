"""DTI ranks: pillar, edition, province, denominator and score, and what is not a DTI rank."""

from transforms.extract import extract_facts


def _ranks(text: str) -> set[tuple[str | None, int | None, str, int]]:
    return {(r.province_code, r.year, r.pillar, r.rank) for r in extract_facts(text).rankings}


def test_overall_and_pillar_ranks_with_denominator() -> None:
    text = (
        "Theo kết quả Chỉ số chuyển đổi số (DTI) năm 2022, Nam Định xếp thứ 21/63, trong đó, "
        "chính quyền số xếp thứ 15/63, kinh tế số xếp 30/63."
    )
    assert _ranks(text) == {("36", 2022, "overall", 21), ("36", 2022, "digital_government", 15),
                            ("36", 2022, "digital_economy", 30)}  # fmt: skip


def test_spelled_ordinals_and_pillar_after_the_rank() -> None:
    text = (
        "Năm 2023, trong bảng xếp hạng DTI, Phú Yên đứng thứ hai về chỉ số thể chế số; "
        "xếp hạng chín ở hạ tầng số."
    )
    assert _ranks(text) == {("54", 2023, "institutions", 2), ("54", 2023, "digital_infrastructure", 9)}


def test_other_indexes_and_rank_changes_are_not_dti_ranks() -> None:
    text = (
        "Năm 2022, Sơn La đứng thứ 40/63 về chỉ số chuyển đổi số (DTI), tăng 5 bậc so với năm 2021; "
        "chỉ số PAR Index của tỉnh đứng thứ 12/63."
    )
    assert _ranks(text) == {("14", 2022, "overall", 40)}


def test_top_groups_and_agency_heads_are_not_ranks() -> None:
    text = "Chỉ số chuyển đổi số năm 2022: tỉnh vào top 10 tỉnh dẫn đầu; người đứng đầu phải gương mẫu."
    assert _ranks(text) == set()


def test_score_and_out_of_are_kept() -> None:
    text = "Chỉ số chuyển đổi số năm 2021: Long An đạt 0,5123 điểm, xếp thứ 9/63."
    ranking = extract_facts(text).rankings[0]
    assert (ranking.rank, ranking.out_of, ranking.score) == (9, 63, 0.5123)
