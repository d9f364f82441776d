"""`sources.yml`: the web sources `cds collect` reads, validated on load with errors naming file and field."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transforms.sidecar import is_web_url

Kind = Literal["feed", "sitemap", "listing"]


class SourcesError(ValueError):
    """sources.yml cannot be used; the message names the file and each bad field."""


@cache
def province_codes() -> frozenset[str]:
    """GSO codes of the 63 former and 34 current provinces (the project's province table)."""
    text = (resources.files("transforms.provinces") / "provinces.csv").read_text(encoding="utf-8")
    return frozenset(line.split(",", 1)[0] for line in text.splitlines()[1:] if line)


def _check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
    return patterns


class Relevance(BaseModel):
    """Whether an article is about digital transformation: at least `min_matches` of the vocabulary's
    terms occur in its main text (case-insensitive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    vocabulary: Annotated[list[str], Field(min_length=1)]
    min_matches: int = Field(1, ge=1)

    @field_validator("vocabulary")
    @classmethod
    def _non_blank(cls, terms: list[str]) -> list[str]:
        if any(not term.strip() for term in terms):
            raise ValueError("terms must not be blank")
        return terms


class Source(BaseModel):
    """One feed, sitemap or listing page of a province's site."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
    province: str
    kind: Kind
    url: str
    link_pattern: str | None = None  # listing: which links on the page are articles (a regex on the URL)
    include: list[str] = Field(default_factory=list)  # article URLs must match one, when given
    exclude: list[str] = Field(default_factory=list)  # article URLs matching one are skipped
    relevance: Relevance | None = None  # else the file's default
    allow_private: bool = False
    enabled: bool = True
    max_articles: int | None = Field(None, ge=1)
    found_at: str | None = None  # for a real site: where its URL was found

    @field_validator("province")
    @classmethod
    def _known_province(cls, code: str) -> str:
        if code not in province_codes():
            raise ValueError(f"{code!r} is not a GSO province code (e.g. '86' for Vĩnh Long)")
        return code

    @field_validator("url")
    @classmethod
    def _web_url(cls, url: str) -> str:
        if not is_web_url(url):
            raise ValueError(f"{url!r} is not an http(s) URL")
        return url

    @field_validator("include", "exclude")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        return _check_patterns(patterns)

    @model_validator(mode="after")
    def _listing_needs_links(self) -> Source:
        if self.link_pattern is not None:
            _check_patterns([self.link_pattern])
        if self.kind == "listing" and not self.link_pattern:
            raise ValueError("a listing source needs link_pattern (which links are articles)")
        return self


DEFAULT_VOCABULARY = (
    "chuyển đổi số",
    "chính quyền số",
    "chính quyền điện tử",
    "kinh tế số",
    "xã hội số",
    "dịch vụ công trực tuyến",
    "chỉ số DTI",
    "công nghệ số",
)


class SourcesFile(BaseModel):
    """The whole file: a default relevance filter and the sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    relevance: Relevance = Relevance(vocabulary=list(DEFAULT_VOCABULARY))
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesFile:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique: {', '.join(duplicates)}")
        return self

    def relevance_of(self, source: Source) -> Relevance:
        return source.relevance or self.relevance


def load_sources(path: Path) -> SourcesFile:
    """Read and validate sources.yml; every problem is reported as `file: field: what is wrong`."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    return parse_sources(loaded if loaded is not None else {}, str(path))


def parse_sources(loaded: object, shown: str) -> SourcesFile:
    try:
        return SourcesFile.model_validate(loaded)
    except ValidationError as exc:
        lines = [f"{shown}: {_field(error['loc'])}: {error['msg']}" for error in exc.errors()]
        raise SourcesError("\n".join(lines)) from None


def _field(location: tuple[int | str, ...]) -> str:
    """pydantic's location as the path a person finds in the file: `sources[2].kind`."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def one_off_source(url: str, province: str, allow_private: bool) -> SourcesFile:
    """`cds collect --url`: one feed or sitemap (told apart by its content) with the default filters."""
    return parse_sources(
        {
            "sources": [
                {
                    "name": "one-off",
                    "province": province,
                    "kind": "feed",
                    "url": url,
                    "allow_private": allow_private,
                }
            ]
        },
        "--url",
    )
