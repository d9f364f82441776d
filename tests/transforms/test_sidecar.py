"""Source metadata: sidecars parsed leniently (a broken one is a warning), URL dates read strictly."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from transforms.sidecar import (
    EMPTY_META,
    SourceMeta,
    combine,
    is_sidecar,
    parse_date,
    parse_sidecar,
    sidecar_name,
    url_date_hint,
)

BASE = "https://baotinh.example.vn"
dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


def test_sidecar_keys_are_read_and_other_keys_ignored() -> None:
    data = json.dumps(
        {"url": f"{BASE}/a.html", "published_date": "2022-11-25", "title": " Tin  CĐS ", "lang": "vi"}
    ).encode()

    meta, warnings = parse_sidecar(data)

    assert meta == SourceMeta(f"{BASE}/a.html", date(2022, 11, 25), "Tin CĐS")
    assert warnings == ()


def test_a_sidecar_with_only_a_url_is_complete() -> None:
    assert parse_sidecar(b'{\n "url": "https://x.example.vn/p"\n}') == (
        SourceMeta("https://x.example.vn/p"),
        (),
    )


def test_published_date_may_carry_a_time_and_zone_or_be_written_day_first() -> None:
    assert parse_date("2022-11-25T23:30:00+07:00") == date(2022, 11, 25)  # the date as the page states it
    assert parse_date("25/11/2022") == date(2022, 11, 25)
    assert parse_date("20221125") == date(2022, 11, 25)


def test_broken_sidecars_are_warnings_not_failures() -> None:
    cases = {
        b"{not json": "not UTF-8 JSON",
        b"\xff\xfe\x00": "not UTF-8 JSON",
        b'["https://x.example.vn"]': "not an object",
        b'{"url": 42}': "url is a JSON int",
        b'{"url": "javascript:alert(1)"}': "not an http(s) URL",
        b'{"published_date": "2022-02-30"}': "not a date",
        b'{"published_date": "1999-01-01"}': "not a date in 2015..2030",
        b'{"published_date": ["2022"]}': "published_date is a JSON list",
        b'{"title": {"vi": "x"}}': "title is a JSON dict",
    }
    for data, expected in cases.items():
        meta, warnings = parse_sidecar(data)
        assert meta == EMPTY_META, data
        assert len(warnings) == 1 and expected in warnings[0], (data, warnings)


def test_the_good_keys_of_a_partly_broken_sidecar_are_kept() -> None:
    meta, warnings = parse_sidecar('{"url": "https://x.example.vn/a", "published_date": "hôm qua"}'.encode())

    assert meta == SourceMeta("https://x.example.vn/a")
    assert len(warnings) == 1


def test_sidecar_name_is_the_stem_plus_meta_json() -> None:
    assert sidecar_name("x.txt") == "x.meta.json"
    assert sidecar_name("bao-cao.v2.html") == "bao-cao.v2.meta.json"
    assert sidecar_name("README") == "README.meta.json"
    assert is_sidecar("x.meta.json") and is_sidecar("X.META.JSON")
    assert not is_sidecar("x.gold.json") and not is_sidecar("meta.txt")


@given(dates)
def test_a_full_date_in_the_path_is_read(day: date) -> None:
    y, m, d = day.year, day.month, day.day
    urls = [
        f"{BASE}/{y}/{m:02d}/{d:02d}/tin-chuyen-doi-so.html",
        f"{BASE}/{y}/{m}/{d}/tin",
        f"{BASE}/tin/{y}{m:02d}{d:02d}/",
        f"{BASE}/thoi-su/tin-chuyen-doi-so-{y}{m:02d}{d:02d}.htm",
        f"{BASE}/thoi-su/tin-chuyen-doi-so-{y}{m:02d}{d:02d}213958762.htm",
        f"{BASE}/thoi-su/tin-{y}{m:02d}{d:02d}0930",
    ]
    for url in urls:
        assert url_date_hint(url) == day, url


@given(dates)
def test_a_month_in_the_path_is_no_publication_day(day: date) -> None:
    y, m = day.year, day.month
    for url in (f"{BASE}/channel/1624/{y}{m:02d}/tin-5786415/", f"{BASE}/{y}/{m:02d}/tin.html"):
        assert url_date_hint(url) is None


@given(st.integers(min_value=1900, max_value=2200), st.integers(0, 99), st.integers(0, 99))
def test_only_real_dates_in_plausible_years_are_hints(year: int, month: int, day: int) -> None:
    try:
        real = date(year, month, day) if 2015 <= year <= 2030 else None
    except ValueError:
        real = None
    hint = url_date_hint(f"{BASE}/tin-{year:04d}{month:02d}{day:02d}.htm")
    assert hint == real


@given(st.integers(min_value=0, max_value=10**17))
def test_a_hyphen_led_id_is_a_date_only_when_it_starts_with_one(number: int) -> None:
    digits = str(number)
    hint = url_date_hint(f"{BASE}/tin-chuyen-doi-so-{digits}.html")
    assert hint is None or hint.strftime("%Y%m%d") == digits[:8]
    if len(digits) not in {8, *range(12, 18)}:
        assert hint is None


def test_lookalikes_are_not_dates() -> None:
    assert url_date_hint(f"{BASE}/ket-qua-nam-2024-06122024-a139329.html") is None  # ddmmyyyy: not read
    assert url_date_hint(f"{BASE}/chuyen-doi-so-1683512672209.htm") is None  # epoch milliseconds
    assert url_date_hint(f"{BASE}/50/201079/Ngay-hoi.htm") is None  # month 79
    assert url_date_hint(f"{BASE}/news/-/details/57420/tin") is None
    assert url_date_hint(f"{BASE}/tin?date=20221125") is None  # the query is not the path
    assert url_date_hint(f"{BASE}/tin-20221125.htm", not_after=date(2022, 11, 24)) is None  # future


def test_explicit_dates_outrank_the_url_and_the_sidecar_outranks_the_page() -> None:
    url = f"{BASE}/tin-20221125.htm"
    page = SourceMeta(url=f"{BASE}/canonical", published_date=date(2022, 11, 26), title="Trang")

    assert combine(SourceMeta(url=url), EMPTY_META) == SourceMeta(url, date(2022, 11, 25))
    assert combine(SourceMeta(url=url), page) == SourceMeta(url, date(2022, 11, 26), "Trang")
    assert combine(SourceMeta(url, date(2022, 11, 27), "Sidecar"), page) == SourceMeta(
        url, date(2022, 11, 27), "Sidecar"
    )
    assert combine(EMPTY_META, SourceMeta(url=f"{BASE}/2021/05/12/tin")) == SourceMeta(
        f"{BASE}/2021/05/12/tin", date(2021, 5, 12)
    )
