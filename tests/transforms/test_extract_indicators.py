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
