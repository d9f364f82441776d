"""DCAT-AP metadata (JSON-LD) of a release, so open-data portals can harvest it: CKAN with
ckanext-dcat, data.europa.eu-style harvesters, any DCAT reader.

One `dcat:Catalog` (the release) lists one `dcat:Dataset` per published table, each with its CSV
and Parquet files and the API's table endpoint as `dcat:Distribution`s. Dataset IRIs do not change
from release to release, so a harvester updates a dataset instead of adding a copy; distribution
IRIs are the release's own, stable file URLs. Everything comes from the table contracts and the
files just written; the context is inline, so the file parses offline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from cds.settings import get_settings
from expectations.contracts import Contract
from warehouse.release_ids import release_time

DCAT_FILE = "dcat.jsonld"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
IANA = "http://www.iana.org/assignments/media-types/"
# (extension, EU file-type authority code, IANA media type)
FILE_FORMATS = (("csv", "CSV", "text/csv"), ("parquet", "PARQUET", "application/vnd.apache.parquet"))
KEYWORDS = (
    ("chuyển đổi số", "vi"),
    ("digital transformation", "en"),
    ("DTI", "en"),
    ("Việt Nam", "vi"),
    ("dữ liệu mở", "vi"),
    ("open data", "en"),
)


def write_dcat(
    folder: Path, contracts: dict[str, Contract], release_id: str, digests: Mapping[str, str] | None = None
) -> Path:
    """Write `dcat.jsonld` into a release folder whose table files are already written. `digests`
    (file name → SHA-256) are checksums the caller already has (publishing hashes every CSV);
    the other files are hashed here."""
    settings = get_settings()
    document = dcat_document(
        folder, contracts, release_id, settings.public_base_url, settings.publisher_name, digests or {}
    )
    path = folder / DCAT_FILE
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def dcat_document(
    folder: Path,
    contracts: dict[str, Contract],
    release_id: str,
    base_url: str,
    publisher: str,
    digests: Mapping[str, str],
) -> dict[str, Any]:
    base = base_url.rstrip("/") + "/"
    release = f"{base}releases/{release_id}/"
    issued = _datetime(release_time(release_id))
    agent = {"@id": f"{base}#publisher", "@type": "foaf:Agent", "foaf:name": publisher}
    api = {
        "@id": f"{base}api",
        "@type": "dcat:DataService",
        "dct:title": _bilingual("API dữ liệu mở (chỉ đọc)", "Open data API (read-only)"),
        "dcat:endpointURL": {"@id": f"{base}api"},
        "dcat:endpointDescription": {"@id": f"{base}openapi.json"},
        "dct:license": {"@id": LICENSE},
        "dcat:servesDataset": [{"@id": _dataset_iri(base, name)} for name in contracts],
    }
    described = [_dataset(folder, base, release, release_id, issued, c, digests) for c in contracts.values()]
    datasets = [dataset for dataset, _ in described]
    distributions = [d for _, files in described for d in files]
    catalog = {
        "@id": f"{release}{DCAT_FILE}#catalog",
        "@type": "dcat:Catalog",
        "dct:title": _bilingual(
            "Chuyển đổi số cấp tỉnh — dữ liệu mở", "Provincial digital transformation open data"
        ),
        "dct:description": _bilingual(
            "Dữ kiện về chuyển đổi số cấp tỉnh (xếp hạng DTI, chỉ tiêu, cán bộ, văn bản) đọc từ báo cáo và "
            "tin bài của các tỉnh, mỗi dữ kiện dẫn về văn bản và vị trí ký tự nguồn.",
            "Facts on provincial digital transformation (DTI ranks, indicators, officials, legal "
            "references) read from province reports and news, each pointing to its source document "
            "and character span.",
        ),
        "dct:publisher": {"@id": agent["@id"]},
        "dct:license": {"@id": LICENSE},
        "dct:language": [{"@id": f"{EU}language/VIE"}, {"@id": f"{EU}language/ENG"}],
        "dct:spatial": {"@id": f"{EU}country/VNM"},
        "dct:issued": issued,
        "dct:modified": issued,
        "owl:versionInfo": release_id,
        "foaf:homepage": {"@id": f"{release}index.html"},
        "dcat:dataset": [{"@id": d["@id"]} for d in datasets],
        "dcat:service": {"@id": api["@id"]},
    }
    return {"@context": CONTEXT, "@graph": [catalog, agent, api, *datasets, *distributions]}


def _dataset(
    folder: Path,
    base: str,
    release: str,
    release_id: str,
    issued: dict[str, str],
    contract: Contract,
    digests: Mapping[str, str],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A table's dataset and its distributions: the release's CSV and Parquet files, and the API."""
    name = contract.table
    landing = f"{release}datasets/{name}.html"
    distributions = [
        _file_distribution(folder / f"{name}.{extension}", release, code, media, issued, digests)
        for extension, code, media in FILE_FORMATS
    ]
    distributions.append(
        {
            "@id": f"{base}api/releases/{release_id}/tables/{name}",
            "@type": "dcat:Distribution",
            "dct:title": _bilingual(f"{name} qua API (JSON, CSV, Parquet)", f"{name} through the API"),
            "dcat:accessURL": {"@id": f"{base}api/releases/{release_id}/tables/{name}"},
            "dcat:accessService": {"@id": f"{base}api"},
            "dcat:mediaType": {"@id": f"{IANA}application/json"},
            "dct:format": {"@id": f"{EU}file-type/JSON"},
            "dct:license": {"@id": LICENSE},
            "dct:issued": issued,
        }
    )
    dataset = {
        "@id": _dataset_iri(base, name),
        "@type": "dcat:Dataset",
        "dct:identifier": f"cds-pipeline/{name}",
        "dct:title": _bilingual(contract.title.vi, contract.title.en),
        "dct:description": _bilingual(contract.description.vi, contract.description.en),
        "dcat:keyword": [{"@value": word, "@language": lang} for word, lang in (*KEYWORDS, (name, "en"))],
        "dcat:theme": {"@id": f"{EU}data-theme/GOVE"},
        "dct:publisher": {"@id": f"{base}#publisher"},
        "dct:spatial": {"@id": f"{EU}country/VNM"},
        "dct:license": {"@id": LICENSE},
        "dct:issued": issued,
        "dct:modified": issued,
        "owl:versionInfo": release_id,
        "dcat:landingPage": {"@id": landing},
        "dcat:distribution": [{"@id": d["@id"]} for d in distributions],
    }
    return dataset, distributions


def _file_distribution(
    path: Path, release: str, code: str, media: str, issued: dict[str, str], digests: Mapping[str, str]
) -> dict[str, Any]:
    url = f"{release}{path.name}"
    checksum = digests.get(path.name) or _sha256(path)
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _bilingual(path.name, path.name),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"{IANA}{media}"},
        "dct:format": {"@id": f"{EU}file-type/{code}"},
        "dct:license": {"@id": LICENSE},
        "dct:issued": issued,
        "dcat:byteSize": {"@value": str(path.stat().st_size), "@type": "xsd:nonNegativeInteger"},
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": checksum, "@type": "xsd:hexBinary"},
        },
    }


def _dataset_iri(base: str, name: str) -> str:
    return f"{base}datasets/{name}"


def _bilingual(vi: str, en: str) -> list[dict[str, str]]:
    return [{"@value": vi, "@language": "vi"}, {"@value": en, "@language": "en"}]


def _datetime(moment: datetime) -> dict[str, str]:
    return {"@value": moment.isoformat(timespec="seconds"), "@type": "xsd:dateTime"}


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
