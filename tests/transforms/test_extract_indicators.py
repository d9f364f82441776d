"""The indicator code list and the matching of figures to codes."""

from transforms.extract import extract_facts
from transforms.extract.indicators import indicator_for, indicators


def test_code_list_is_complete_and_unique() -> None:
    codes = [i.code for i in indicators()]
    assert len(codes) >= 25 and len(set(codes)) == len(codes)
    assert all(i.label_vi and i.label_en and i.unit and i.version for i in indicators())


def test_specific_codes_win_and_unknown_stays_none() -> None:
    assert indicator_for("percent", "tỷ lệ văn bản ký số cá nhân") == "doc_signed_personal_pct"
    assert indicator_for("percent", "tỷ lệ hồ sơ nộp trực tuyến") == "dossier_online_pct"
    assert indicator_for("quantity", "tổ công nghệ số cộng đồng") == "community_teams_count"
    assert indicator_for("percent", "tăng trưởng GRDP") is None


def test_metrics_carry_indicator_codes() -> None:
    metric = extract_facts("Tỷ lệ người dùng Internet đạt 80%.").metrics[0]
    assert metric.indicator == "internet_users_pct"


def test_a_code_is_given_only_to_a_figure_of_its_kind_and_units() -> None:
    # "thành viên" and "tổ" name a team's members, but "120 xã" counts communes, not members
    facts = extract_facts("Tổ công nghệ số cộng đồng có 3.200 thành viên hoạt động ở 120 xã của tỉnh.")
    coded = {(m.value, m.unit): m.indicator for m in facts.metrics}
    assert coded == {(3200, "thành viên"): "community_team_members_count", (120, "xã"): None}


def test_a_percentage_measured_against_the_plan_is_progress_not_the_indicator_it_follows() -> None:
    text = "Tỷ lệ người dùng Internet đạt 74% (đạt 100% mục tiêu); 60% dân số có điện thoại thông minh."
    coded = [(m.value, m.indicator) for m in extract_facts(text).metrics]
    assert coded == [(74, "internet_users_pct"), (100, "targets_achieved_pct"), (60, "smartphone_users_pct")]


def test_figures_written_before_what_they_measure_are_coded_by_what_follows() -> None:
    text = "Đến năm 2025, 80% dân số trưởng thành có định danh điện tử và 50% có chữ ký số cá nhân."
    coded = [(m.value, m.indicator) for m in extract_facts(text).metrics]
    assert coded == [(80, "vneid_pct"), (50, "personal_esignature_pct")]


def test_every_code_declares_its_measure_units_labels_and_definition() -> None:
    import csv

    from transforms.extract.indicators import INDICATORS_CSV

    with INDICATORS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["code"] for r in rows}) == len(rows)
    for r in rows:
        assert r["measure"] in {"share", "ratio", "count", "rate"}, r["code"]
        assert r["units"] and r["label_vi"] and r["label_en"] and r["definition"], r["code"]
        assert (r["kind"] == "percent") == (r["units"] == "%"), r["code"]
