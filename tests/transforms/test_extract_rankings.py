"""DTI ranks: pillar, edition, province, denominator and score, and what is not a DTI rank."""

from datetime import date

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


def test_ranks_spelled_above_ten() -> None:
    """'mười hai' is 12, not 10; 'ba mươi tư' is 34; after 'mười' a five is 'lăm', and a following
    'năm 2021' is the edition, not part of the number."""
    assert _ranks("Chỉ số chuyển đổi số (DTI) năm 2022: Vĩnh Long đứng thứ mười hai cả nước.") == {
        ("86", 2022, "overall", 12)
    }
    assert _ranks("Năm 2022, DTI của An Giang xếp thứ ba mươi tư, Long An xếp thứ hai mươi mốt.") == {
        ("89", 2022, "overall", 34),
        ("80", 2022, "overall", 21),
    }
    assert _ranks("Về DTI, Trà Vinh xếp thứ mười lăm năm 2022 và thứ mười năm 2021.") == {
        ("84", 2022, "overall", 15),
        ("84", 2021, "overall", 10),
    }


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


def test_other_provinces_in_brackets_and_leader_named_after_the_rank() -> None:
    text = (
        "Chỉ số chuyển đổi số (DTI) năm 2022: Sóc Trăng xếp thứ 40/63, đứng sau Long An (11/63), "
        "Hậu Giang (17/63). Dẫn đầu cả nước là thành phố Đà Nẵng."
    )
    assert _ranks(text) == {("94", 2022, "overall", 40), ("80", 2022, "overall", 11),
                            ("93", 2022, "overall", 17), ("48", 2022, "overall", 1)}  # fmt: skip


def test_table_rows_and_pillars_sharing_one_rank() -> None:
    text = (
        "Chỉ số chuyển đổi số năm 2021 của Nam Định\n| Trụ cột | Thứ hạng |\n|---|---|\n"
        "| Hạ tầng số | 8/63 |\nVề trụ cột, kinh tế số và xã hội số cùng xếp thứ 6/63."
    )
    assert _ranks(text) == {("36", 2021, "digital_infrastructure", 8), ("36", 2021, "digital_economy", 6),
                            ("36", 2021, "digital_society", 6)}  # fmt: skip


def test_weekdays_table_sizes_and_years_are_not_ranks() -> None:
    text = (
        "Thứ Tư, 10/12/2025 14:20\nTrong bảng xếp hạng 34 tỉnh, thành phố của Chỉ số chuyển đổi số, "
        "mục tiêu trong bảng xếp hạng năm 2025 là vào nhóm đầu."
    )
    assert _ranks(text) == set()


def test_compared_year_and_years_listed_in_brackets() -> None:
    text = (
        "Chỉ số chuyển đổi số (DTI) năm 2023: Cà Mau xếp thứ 47/63, tăng 11 bậc so với năm 2022 (58/63). "
        "Trước đó, Cà Mau hai năm liền xếp thứ 60 (2020, 2021)."
    )
    assert _ranks(text) == {("96", 2023, "overall", 47), ("96", 2022, "overall", 58),
                            ("96", 2020, "overall", 60), ("96", 2021, "overall", 60)}  # fmt: skip


def test_a_province_named_in_an_aside_is_not_the_one_ranked() -> None:
    text = "Chỉ số chuyển đổi số năm 2023: Bạc Liêu – địa phương sắp hợp nhất với Cà Mau – xếp thứ 52/63."
    assert _ranks(text) == {("95", 2023, "overall", 52)}


def test_after_the_merger_a_rank_keeps_the_code_of_the_table_it_is_read_from() -> None:
    text = (
        "Chỉ số chuyển đổi số (DTI) năm 2024. "
        "Theo bảng xếp hạng 34 tỉnh, thành phố, tỉnh Lào Cai xếp thứ 11. "
        "Xét theo 63 tỉnh, thành phố cũ, Yên Bái xếp thứ 12; Lào Cai (cũ) xếp thứ 28. "
        "Trong DTI năm 2023, Bắc Ninh xếp thứ 9."
    )
    ranks = {(r.province_code, r.year, r.rank) for r in extract_facts(text, date(2025, 10, 28)).rankings}
    assert ranks == {("15", 2024, 11), ("15", 2024, 12), ("10", 2024, 28), ("27", 2023, 9)}


def test_main_indicator_activities_vs_pillar() -> None:
    text = "DTI năm 2024: Tiền Giang xếp thứ 11/63 về hoạt động chính quyền số, xếp thứ 9 về chính quyền số."
    assert _ranks(text) == {("82", 2024, "activities", 11), ("82", 2024, "digital_government", 9)}


def test_position_phrasing_and_rank_after_a_fall() -> None:
    text = (
        "Chỉ số DTI năm 2022 của Yên Bái giảm 5 bậc, lùi xuống vị trí 45/63; Lào Cai tụt 2 bậc xuống thứ 20. "
        "Năm 2022, Kon Tum vươn lên vị trí 8/63 về chỉ số chuyển đổi số."
    )
    assert _ranks(text) == {("15", 2022, "overall", 45), ("10", 2022, "overall", 20),
                            ("62", 2022, "overall", 8)}  # fmt: skip


def test_bare_ordinals_continue_a_list_of_ranks() -> None:
    text = (
        "Theo Chỉ số chuyển đổi số năm 2022, Phú Thọ xếp thứ 18, Vĩnh Phúc thứ 9 và Hòa Bình thứ 44; "
        "Điện Biên xếp thứ 5 về nhận thức số, thứ 30 về thể chế số và thứ 12 về dữ liệu số."
    )
    assert _ranks(text) == {("25", 2022, "overall", 18), ("26", 2022, "overall", 9),
                            ("17", 2022, "overall", 44), ("11", 2022, "awareness", 5),
                            ("11", 2022, "institutions", 30), ("11", 2022, "data", 12)}  # fmt: skip


def test_listed_ordinals_skip_counts_of_years_and_times() -> None:
    text = "Quảng Trị xếp thứ 20 về DTI năm 2022, năm thứ 3 liên tiếp tăng hạng, lần thứ 2 vượt Quảng Bình."
    assert _ranks(text) == {("45", 2022, "overall", 20)}


def test_a_clause_opened_by_a_pillar_ranks_every_province_in_it() -> None:
    text = "DTI năm 2023 đã công bố. Về trụ cột kinh tế số, Cà Mau xếp thứ 10, cao hơn Bạc Liêu đứng thứ 40."
    assert _ranks(text) == {("96", 2023, "digital_economy", 10), ("95", 2023, "digital_economy", 40)}


def test_a_bracketed_earlier_rank_keeps_its_year_to_itself() -> None:
    text = (
        "Chỉ số DTI năm 2022: Bắc Giang vươn lên vị trí 10/63 (năm 2021 tỉnh xếp thứ 20). "
        "Trong đó, tỉnh xếp thứ 5 về chỉ số xã hội số."
    )
    assert _ranks(text) == {("24", 2022, "overall", 10), ("24", 2021, "overall", 20),
                            ("24", 2022, "digital_society", 5)}  # fmt: skip


def test_a_year_with_no_dti_edition_is_a_plan_year() -> None:
    text = (
        "Theo Chỉ số chuyển đổi số (DTI) năm 2023, Ninh Thuận xếp thứ 31. "
        "Năm 2030 tỉnh phấn đấu cải thiện chỉ số kinh tế số, hiện đang xếp thứ 41."
    )
    assert _ranks(text) == {("58", 2023, "overall", 31), ("58", 2023, "digital_economy", 41)}


def test_rank_column_of_a_table_with_scores() -> None:
    text = (
        "Kết quả DTI năm 2022 của Hà Giang:\nTrụ cột | Điểm | Xếp hạng/63\n"
        "Chính quyền số | 0,4123 | 12\nKinh tế số | 0,2201 | 40\nSố liệu khác."
    )
    found = {
        (r.province_code, r.year, r.pillar, r.rank, r.out_of, r.score) for r in extract_facts(text).rankings
    }
    assert found == {("02", 2022, "digital_government", 12, 63, 0.4123),
                     ("02", 2022, "digital_economy", 40, 63, 0.2201)}  # fmt: skip


def test_a_table_of_another_index_is_not_read() -> None:
    text = (
        "DTI năm 2022 của Hà Giang xếp thứ 30.\nChỉ số PCI qua các năm:\n| Chỉ số | Xếp hạng |\n| PCI | 5 |\n"
    )
    assert _ranks(text) == {("02", 2022, "overall", 30)}


def test_list_rows_of_pillars_and_provinces() -> None:
    text = (
        "Kết quả các chỉ số chính của tỉnh Điện Biên năm 2022 (DTI):\n- Kiến tạo thể chế: thứ 21\n"
        "- Nhân lực số: thứ 50\nThứ hạng DTI 2022 các tỉnh lân cận:\nSơn La – 40\nLai Châu – 58\n"
    )
    assert _ranks(text) == {("11", 2022, "institutions", 21), ("11", 2022, "human_resources", 50),
                            ("14", 2022, "overall", 40), ("12", 2022, "overall", 58)}  # fmt: skip


def test_bare_number_rows_need_a_rank_heading_and_not_another_index() -> None:
    text = (
        "Chỉ số chuyển đổi số năm 2022 đã được công bố.\nSố xã có tổ công nghệ (DTI 2022):\nSơn La – 40\n"
        "Thứ hạng PAPI 2022:\nLai Châu: thứ 58\n"
    )
    assert _ranks(text) == set()


def test_other_index_ranks_listed_after_a_dti_rank() -> None:
    text = "Năm 2021, Long An xếp thứ 12 về DTI, PAR Index xếp thứ 3, SIPAS đứng thứ 7 và PCI thứ 10."
    assert _ranks(text) == {("80", 2021, "overall", 12)}


def test_quoted_pillar_with_a_comma() -> None:
    text = "Chỉ số DTI năm 2021: Long An xếp thứ 16 về An toàn, an ninh mạng."
    assert _ranks(text) == {("80", 2021, "cybersecurity", 16)}


def test_rank_after_a_group_in_its_own_comma_clause() -> None:
    text = (
        "Trong bảng xếp hạng Chỉ số chuyển đổi số năm 2022, Hải Dương lọt vào nhóm 15 địa phương dẫn đầu, "
        "xếp thứ 14, tăng 6 bậc."
    )
    assert _ranks(text) == {("30", 2022, "overall", 14)}


def test_ranks_of_districts_departments_and_ministries_are_not_province_ranks() -> None:
    text = (
        "Chỉ số chuyển đổi số (DTI) năm 2023 của tỉnh Hà Nam: ở khối huyện, thị xã, thị xã Duy Tiên dẫn đầu; "
        "huyện Lý Nhân xếp thứ hai. Ở khối sở, Sở Tài chính xếp thứ nhất. "
        "Cơ quan xếp hạng nhất được khen thưởng. "
        "Ở khối bộ, Bộ Công Thương xếp thứ ba; Kho bạc Nhà nước xếp thứ năm. "
        "Trên cả nước, DTI năm 2023 của Hà Nam xếp thứ 18/63."
    )
    assert _ranks(text) == {("35", 2023, "overall", 18)}


def test_bracketed_ranks_after_names_and_pillar_topics() -> None:
    text = (
        "Chỉ số chuyển đổi số năm 2021: các địa phương có thứ hạng thấp nhất lần lượt là Hà Giang (61), "
        "Lai Châu (62) và Điện Biên (63). "
        "Xét theo trụ cột, ở kinh tế số, Bắc Ninh đứng đầu, Hải Phòng đứng thứ hai; còn ở xã hội số, "
        "vị trí số một thuộc về Quảng Ninh."
    )
    assert _ranks(text) == {
        ("02", 2021, "overall", 61), ("12", 2021, "overall", 62), ("11", 2021, "overall", 63),
        ("27", 2021, "digital_economy", 1), ("31", 2021, "digital_economy", 2),
        ("22", 2021, "digital_society", 1),
    }  # fmt: skip


def test_table_with_a_column_per_edition() -> None:
    text = (
        "Bảng 2. Thứ hạng DTI của tỉnh Phú Thọ (trên 63 tỉnh, thành phố)\n"
        "| TT | Chỉ số | Năm 2022 | Năm 2023 |\n"
        "| 1 | DTI tổng thể | 25 | 19 |\n"
        "| 2 | Kinh tế số | 33 | 27 |\n"
    )
    assert _ranks(text) == {
        ("25", 2022, "overall", 25), ("25", 2023, "overall", 19),
        ("25", 2022, "digital_economy", 33), ("25", 2023, "digital_economy", 27),
    }  # fmt: skip
    assert {r.out_of for r in extract_facts(text).rankings} == {63}


def test_national_round_up_has_no_province() -> None:
    text = (
        "DTI 2021: Quảng Ninh dẫn đầu\n"
        "Bộ Thông tin và Truyền thông công bố Chỉ số chuyển đổi số năm 2021. Quảng Ninh dẫn đầu, "
        "Đà Nẵng xếp thứ hai, Thừa Thiên Huế xếp thứ ba, Bắc Ninh xếp thứ tư, Hà Nội xếp thứ năm. "
        "Tốp 10 còn có Cần Thơ, Hải Phòng, Bình Dương, Vĩnh Phúc và Long An."
    )
    facts = extract_facts(text)
    assert facts.province is None
    assert len({r.province_code for r in facts.rankings}) == 5


def test_the_edition_named_after_the_index_belongs_to_the_rank_before_it() -> None:
    # The year follows the index's full name, beyond the few words a bare "thứ 5 năm 2021" allows;
    # the edition the previous sentence set must not override it.
    text = (
        "Trong bảng xếp hạng DTI 2021, Long An xếp hạng 9/63 cả nước. "
        "Tỉnh Đắk Nông xếp thứ 52/63 trong Bộ chỉ số chuyển đổi số cấp tỉnh năm 2020. "
        "Tỉnh Quảng Trị xếp thứ 16/63 trong Chỉ số chuyển đổi số năm 2021."
    )
    assert _ranks(text) == {
        ("80", 2021, "overall", 9),
        ("67", 2020, "overall", 52),
        ("45", 2021, "overall", 16),
    }


def test_a_ranking_table_printed_one_province_per_line() -> None:
    text = (
        "Bảng xếp hạng Chỉ số chuyển đổi số cấp tỉnh năm 2021\n"
        "1 Quảng Ninh\n2 TP. Hồ Chí Minh\n3 Đà Nẵng\n3 Bắc Ninh\n5 Thừa Thiên - Huế\n\n"
        "Xếp hạng chi tiết theo giá trị DTI\n"
        "1 Quảng Ninh 0.7000 0.6021\n2 TP. Hồ Chí Minh 0.6500 0.5812\n3 Đà Nẵng 0.6400 0.5503\n"
    )
    found = {(r.province_code, r.year, r.pillar, r.rank, r.score) for r in extract_facts(text).rankings}
    assert found == {("22", 2021, "overall", 1, 0.6021), ("79", 2021, "overall", 2, 0.5812),
                     ("48", 2021, "overall", 3, 0.5503), ("27", 2021, "overall", 3, None),
                     ("46", 2021, "overall", 5, None)}  # fmt: skip


def test_numbered_lines_out_of_order_or_of_another_index_are_no_table() -> None:
    text = (
        "Chỉ số chuyển đổi số năm 2022.\nKết quả PAR Index năm 2022\n1 Sơn La\n2 Hà Giang\n3 Lai Châu\n"
        "Danh sách đoàn công tác chuyển đổi số\n7 Sơn La\n2 Hà Giang\n9 Lai Châu\n"
    )
    assert _ranks(text) == set()


def test_groups_durations_and_regional_ranks_are_not_ranks() -> None:
    text = (
        "Về Chỉ số chuyển đổi số năm 2022, Gia Lai xếp thứ 40/63, xếp thứ 3 trong khu vực Tây Nguyên; "
        "Đắk Nông giữ vững vị trí 2 năm liên tiếp. 7 địa phương dẫn đầu về hạ tầng số: Bình Dương, Long An."
    )
    assert _ranks(text) == {("64", 2022, "overall", 40)}


def test_a_ministry_named_inside_the_subject_is_not_a_province() -> None:
    text = (
        "Chỉ số chuyển đổi số năm 2023 của Hà Nội xếp thứ 6/63. Đây là năm thứ hai Bộ này dẫn đầu khối bộ. "
        "Bộ Xây dựng và Bộ Công Thương cùng tăng 2 bậc, vươn lên xếp vị trí thứ 4 và thứ 5."
    )
    assert _ranks(text) == {("01", 2023, "overall", 6)}


def test_ranks_listed_in_the_order_of_the_pillars_before_them() -> None:
    text = (
        "Năm 2021, Ninh Bình xếp thứ 18/63 về Chỉ số chuyển đổi số. Về chính quyền số, kinh tế số và "
        "xã hội số, thứ hạng của tỉnh lần lượt là 25, 11 và 30."
    )
    assert _ranks(text) == {
        ("37", 2021, "overall", 18),
        ("37", 2021, "digital_government", 25),
        ("37", 2021, "digital_economy", 11),
        ("37", 2021, "digital_society", 30),
    }


def test_compared_provinces_with_their_rank_in_brackets() -> None:
    text = (
        "Theo Chỉ số chuyển đổi số năm 2020, Nghệ An xếp thứ 20 trong 63 tỉnh, cao hơn Hà Tĩnh (thứ 31), "
        "Quảng Bình (thứ 44)."
    )
    assert _ranks(text) == {
        ("40", 2020, "overall", 20),
        ("42", 2020, "overall", 31),
        ("44", 2020, "overall", 44),
    }


def test_news_of_an_announcement_is_dated_by_the_editions_known_day() -> None:
    news = (
        "Phú Thọ xếp thứ 12 về chuyển đổi số\n"
        "Theo kết quả xếp hạng chuyển đổi số cấp tỉnh năm 2021 do Bộ Thông tin và Truyền thông vừa công bố, "
        "Phú Thọ xếp thứ 12/63 tỉnh, thành phố."
    )
    assert extract_facts(news).event_date == date(2022, 8, 8)
    # citing the results is no news of the announcement; a page dated long after it is not either
    cited = news.replace("vừa công bố", "công bố")
    assert extract_facts(cited).event_date is None
    assert extract_facts(news, published_date=date(2022, 12, 1)).event_date is None


def test_an_edition_announced_on_an_unknown_day_dates_nothing() -> None:
    text = (
        "Theo Chỉ số chuyển đổi số năm 2023 mà Bộ Thông tin và Truyền thông vừa công bố, Phú Yên xếp "
        "thứ 20/63."
    )
    assert extract_facts(text).event_date is None


def test_a_score_belongs_to_the_province_its_clause_is_about() -> None:
    text = (
        "Theo Chỉ số chuyển đổi số năm 2023, Quảng Ninh đứng đầu với 0,8241 điểm, Hải Phòng xếp thứ hai, "
        "Bắc Ninh xếp thứ ba với 0,7012 điểm."
    )
    found = {(r.province_code, r.rank, r.score) for r in extract_facts(text).rankings}
    assert found == {("22", 1, 0.8241), ("31", 2, None), ("27", 3, 0.7012)}


def test_the_bottom_of_the_table_with_ranks_in_brackets() -> None:
    text = (
        "Theo Chỉ số chuyển đổi số năm 2023, ba địa phương đứng cuối bảng lần lượt là Cao Bằng (61), "
        "Hà Giang (62) và Bắc Kạn (63)."
    )
    assert _ranks(text) == {
        ("04", 2023, "overall", 61),
        ("02", 2023, "overall", 62),
        ("06", 2023, "overall", 63),
    }


def test_an_undated_text_ranking_dti_2024_is_read_after_the_merger() -> None:
    # DTI 2024 was announced after the merger: a text that ranks it was written then
    text = (
        "Theo kết quả Chỉ số chuyển đổi số năm 2024, Yên Bái xếp thứ 12/63, Lào Cai xếp thứ 11/34 tỉnh, "
        "thành phố."
    )
    facts = extract_facts(text)
    assert {(r.province_code, r.regime, r.rank) for r in facts.rankings} == {("15", 63, 12), ("15", 34, 11)}
    assert facts.province is not None and facts.province.code == "15"
