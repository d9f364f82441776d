"""Every release carries DCAT-AP metadata that an RDF library parses as JSON-LD and that describes
the release's real files: read as a graph with rdflib and queried with SPARQL, never as text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from cds.settings import Settings, get_settings
from expectations.contracts import load_contracts
from tests.api.conftest import latest
from warehouse.dcat import DCAT_FILE, write_dcat
from warehouse.publish import PUBLISHED_TABLES

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
PREFIXES = {"dcat": DCAT, "dct": DCT, "foaf": FOAF, "spdx": SPDX}
BASE = "http://127.0.0.1:8000/"


def release_graph(release: Path) -> Graph:
    return Graph().parse(release / DCAT_FILE, format="json-ld")


def select(graph: Graph, query: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in graph.query(query, initNs=PREFIXES)]  # type: ignore[arg-type]


@pytest.mark.integration
def test_the_catalog_lists_one_dataset_per_published_table_in_two_languages(sample_release: Settings) -> None:
    release = latest(sample_release).resolve()
    graph = release_graph(release)

    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    rows = select(
        graph,
        """SELECT ?dataset ?vi ?en ?description WHERE {
             ?catalog a dcat:Catalog ; dcat:dataset ?dataset .
             ?dataset a dcat:Dataset ; dct:title ?vi, ?en ; dct:description ?description .
             FILTER(lang(?vi) = "vi" && lang(?en) = "en" && lang(?description) = "en") }""",
    )
    contracts = load_contracts()
    assert {(str(d), str(vi), str(en)) for d, vi, en, _ in rows} == {
        (f"{BASE}datasets/{t}", contracts[t].title.vi, contracts[t].title.en) for t in PUBLISHED_TABLES
    }
    publisher = select(graph, "SELECT ?name WHERE { ?c a dcat:Catalog ; dct:publisher/foaf:name ?name }")
    assert publisher == [(Literal("cds-pipeline"),)]
    versions = select(
        graph, "SELECT ?v WHERE { ?c a dcat:Catalog ; <http://www.w3.org/2002/07/owl#versionInfo> ?v }"
    )
    assert versions == [(Literal(release.name),)]


@pytest.mark.integration
def test_each_file_distribution_is_the_release_file_with_its_size_and_sha256(
    sample_release: Settings,
) -> None:
    release = latest(sample_release).resolve()
    graph = release_graph(release)

    rows = select(
        graph,
        """SELECT ?dataset ?url ?media ?size ?sum ?license WHERE {
             ?dataset a dcat:Dataset ; dcat:distribution ?d .
             ?d dcat:downloadURL ?url ; dcat:mediaType ?media ; dcat:byteSize ?size ; dct:license ?license ;
                spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum ] }""",
    )
    assert len(rows) == 2 * len(PUBLISHED_TABLES)
    prefix = f"{BASE}releases/{release.name}/"
    for dataset, url, media, size, checksum, license in rows:
        assert str(url).startswith(prefix)
        file = release / str(url).removeprefix(prefix)
        assert str(dataset).endswith("/" + file.stem)
        assert int(size.toPython()) == file.stat().st_size  # type: ignore[attr-defined]
        assert str(checksum) == hashlib.sha256(file.read_bytes()).hexdigest()
        assert str(media).endswith(
            {".csv": "text/csv", ".parquet": "application/vnd.apache.parquet"}[file.suffix]
        )
        assert license == URIRef("https://creativecommons.org/licenses/by/4.0/")
    pages = select(graph, "SELECT ?page WHERE { ?dataset a dcat:Dataset ; dcat:landingPage ?page }")
    assert len(pages) == len(PUBLISHED_TABLES)
    assert all((release / str(page).removeprefix(prefix)).is_file() for (page,) in pages)
    api = select(
        graph,
        """SELECT ?dataset ?access WHERE { ?dataset dcat:distribution ?d . ?d dcat:accessService ?service ;
             dcat:accessURL ?access . ?service a dcat:DataService ; dcat:servesDataset ?dataset }""",
    )
    assert {str(access) for _, access in api} == {
        f"{BASE}api/releases/{release.name}/tables/{t}" for t in PUBLISHED_TABLES
    }


@pytest.mark.integration
def test_every_release_carries_its_own_dcat_file(sample_release: Settings) -> None:
    releases = [p for p in (sample_release.public_dir / "releases").iterdir() if not p.name.startswith(".")]
    assert releases
    for release in releases:
        graph = release_graph(release)
        assert (None, RDF.type, DCAT.Catalog) in graph


def test_links_start_with_the_configured_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for table in PUBLISHED_TABLES:
        frame = pl.DataFrame({"x": [1, 2]})
        frame.write_csv(tmp_path / f"{table}.csv")
        frame.write_parquet(tmp_path / f"{table}.parquet")
    monkeypatch.setenv("CDS_PUBLIC_BASE_URL", "https://data.example.gov.vn/cds")
    monkeypatch.setenv("CDS_PUBLISHER_NAME", "Sở Khoa học và Công nghệ")
    get_settings.cache_clear()
    try:
        write_dcat(tmp_path, load_contracts(), "20260101T000000000000Z")
    finally:
        get_settings.cache_clear()

    graph = release_graph(tmp_path)
    urls = [str(u) for (u,) in select(graph, "SELECT ?u WHERE { ?d dcat:downloadURL ?u }")]
    assert urls and all(
        u.startswith("https://data.example.gov.vn/cds/releases/20260101T000000000000Z/") for u in urls
    )
    names = select(graph, "SELECT ?n WHERE { ?c a dcat:Catalog ; dct:publisher/foaf:name ?n }")
    assert names == [(Literal("Sở Khoa học và Công nghệ"),)]
