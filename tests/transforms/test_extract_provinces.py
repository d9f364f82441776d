"""Province names, variants and codes by the document's date."""

from datetime import date

from transforms.extract import extract_facts
from transforms.extract.provinces import gazetteer, subject_code63
from transforms.extract.text import fold
from transforms.model import Province


def _subject(text: str) -> str | None:
    return subject_code63(text, fold(text), text.find("\n"))


def test_name_variants_and_tone_placement() -> None:
    text = "Hoà Bình, Thanh Hoá, TP.HCM, Thừa Thiên - Huế, Đắc Lắk"
    codes = [m.code63 for m in gazetteer().mentions(fold(text))]
    assert codes == ["17", "38", "79", "46", "66"]


def test_bare_ho_chi_minh_is_a_person_not_the_city() -> None:
    assert gazetteer().mentions(fold("Chủ tịch Hồ Chí Minh")) == []


def test_code_as_of_the_document_date() -> None:
    places = gazetteer()
    assert places.as_of("26", date(2025, 6, 30)).code == "26"
    assert places.as_of("26", date(2025, 7, 1)).code == "25"  # Vĩnh Phúc merged into Phú Thọ
    assert places.as_of("27", date(2025, 10, 1)).name == "Bắc Ninh"
    assert places.as_of("27", date(2025, 10, 1)).code == "24"


def test_subject_is_the_title_province() -> None:
    text = "Kiên Giang đẩy mạnh chuyển đổi số\nAn Giang và Kiên Giang ký kết hợp tác. An Giang cử đoàn."
    assert _subject(text) == "91"


def test_newspaper_dateline_names_the_province() -> None:
    assert _subject("Tin tức\n(CMO) Tỉnh đã triển khai nhiều mô hình.") == "96"


def test_paper_tags_and_site_datelines_name_the_province() -> None:
    assert _subject("Tiêu đề\n(Baohatinh.vn) - Sáng 5/6, Nghệ An và Quảng Bình cùng dự.") == "42"
    assert _subject("Tiêu đề\nGLO - Sáng 5/6, hội nghị có đại biểu Kon Tum.") == "64"


def test_a_round_up_list_does_not_make_the_subject() -> None:
    text = (
        "Công bố mới cho thấy Sóc Trăng nằm trong nhóm dẫn đầu về hạ tầng số. Người dân Sóc Trăng tích cực "
        "tham gia. Các địa phương dẫn đầu về nhận thức số gồm Đà Nẵng, Lạng Sơn, Yên Bái; về nhân lực số "
        "gồm Đà Nẵng, Hà Nam, Long An; về kinh tế số gồm Đà Nẵng, Bình Dương, Bắc Ninh."
    )
    assert extract_facts(text).province == Province("94", "Sóc Trăng")


def test_a_national_text_naming_one_province_in_passing_has_none() -> None:
    text = (
        "Chỉ số DTI năm 2021 của các bộ và địa phương\n"
        "Giá trị trung bình DTI cấp bộ năm 2021 tăng so với năm 2020. Bộ Tài chính giữ vị trí đứng đầu "
        "khối bộ. Ở cấp tỉnh, vị trí dẫn đầu vẫn thuộc về Đà Nẵng."
    )
    assert extract_facts(text).province is None
    provincial = text + " Lãnh đạo UBND tỉnh cho biết sẽ tiếp tục nỗ lực."
    assert extract_facts(provincial).province is not None


def test_an_undated_text_written_after_the_merger_takes_the_merged_code() -> None:
    text = "Kiên Giang vận hành chính quyền địa phương hai cấp sau nhập tỉnh; UBND tỉnh Kiên Giang cho biết."
    assert extract_facts(text).province == Province("91", "An Giang")
    assert extract_facts(text.replace(" sau nhập tỉnh", "").replace("hai cấp", "")).province == Province(
        "91", "Kiên Giang"
    )


def test_a_text_naming_only_its_districts_or_communes_takes_their_province() -> None:
    before = "Chuyển đổi số ở TP.Vũng Tàu và huyện Côn Đảo: UBND thành phố triển khai ví điện tử."
    assert extract_facts(before, published_date=date(2022, 5, 4)).province == Province(
        "77", "Bà Rịa - Vũng Tàu"
    )
    # a name several provinces share is no clue
    assert extract_facts("UBND huyện Châu Thành họp về chuyển đổi số.").province is None


def test_after_the_merger_communes_name_the_merged_province() -> None:
    text = "Phường Rạch Giá và đặc khu Phú Quốc triển khai chuyển đổi số, chính quyền địa phương hai cấp."
    assert extract_facts(text).province == Province("91", "An Giang")


def test_every_unit_in_the_shipped_list_belongs_to_a_known_province() -> None:
    import csv

    from transforms.extract.provinces import UNITS_CSV

    codes = {(code, regime) for code, regime in _province_regimes()}
    with UNITS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 3500
    assert all((r["province_code"], r["regime"]) in codes for r in rows)


def _province_regimes() -> list[tuple[str, str]]:
    import csv

    from transforms.extract.provinces import PROVINCES_CSV

    with PROVINCES_CSV.open(encoding="utf-8") as fh:
        return [(r["code"], r["regime"]) for r in csv.DictReader(fh)]
