"""Great Expectations Data Docs in a release: GX's own pages for this run's validation results,
made to work offline.

GX's SiteBuilder renders the pages (an index and one page per suite's validation result), but
its templates load Bootstrap, jQuery, Vega, Font Awesome… from CDNs and its logo from S3, so a
release opened from an archive or behind a firewall would show bare, broken pages. The very files
those URLs serve were taken from the npm registry into `data_docs_assets/` (see its SOURCES.md);
after GX has written the site into a temporary folder, every such URL is rewritten to a relative
path into the site's `static/vendor/`. A URL without a vendored file is an error, not a silent
dependency on the internet: a GX upgrade that adds one fails the tests, not the readers.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.gx_context import quiet_context

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuiteValidationResult

DATA_DOCS_DIR = "data_docs"
ASSETS_DIR = Path(__file__).parent / "data_docs_assets"
SITE_NAME = "release"
GX_WEB_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
# Every external URL that GX 1.24's Data Docs pages load (templates `js_script_imports.j2`,
# `page.j2`, `index_page.j2`, `top_navbar.j2`, default styles) → its file under the site's static/.
OFFLINE_URLS: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/vega@5": "vendor/vega@5.33.1/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vendor/vega-lite@5.23.0/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vendor/vega-embed@6.29.0/build/vega-embed.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "vendor/fontawesome-free@6.6.0/css/all.min.css"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery@3.7.1/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "vendor/popper.js@1.12.9/dist/umd/popper.min.js"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "vendor/bootstrap@4.3.1/dist/js/bootstrap.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "vendor/bootstrap@4.3.1/dist/css/bootstrap.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "vendor/bootstrap-table@1.19.1/dist/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "vendor/bootstrap-table@1.19.1/dist/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": (  # noqa: E501
        "vendor/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": (  # noqa: E501
        "vendor/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": (  # noqa: E501
        "vendor/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "vendor/bootstrap-datepicker@1.9.0/dist/css/bootstrap-datepicker.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "vendor/bootstrap-datepicker@1.9.0/dist/js/bootstrap-datepicker.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "vendor/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css"
    ),
    # GX ships the light logo in its package; the dark-mode one exists only online.
    GX_WEB_ASSETS + "logo-long.png": "images/logo-long.png",
    GX_WEB_ASSETS + "full_logo_dark.png": "images/logo-long.png",
}
# Of the static folder GX copies (fonts, animated GIFs, styles inlined into every page anyway),
# the pages use only these.
GX_STATIC_FILES = ("images/favicon.ico", "images/logo-long.png")

_LOADING_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.IGNORECASE)
_TAG_URL = re.compile(r'\b(src|href)="(https?://[^"]*)"')
# Subresource integrity needs CORS, which file:// pages do not have; the vendored files match
# the hashes GX pins (checked when vendoring, see SOURCES.md).
_CORS_ATTRIBUTES = re.compile(r'\s+(?:integrity|crossorigin)="[^"]*"')
_CSS_URL = re.compile(r"""url\((['"]?)(https?://[^'")]*)\1\)""")
_FAVICON = re.compile(r'href="(?:\.\./)*static/images/favicon\.ico"')  # GX is one ../ short on deep pages


class OnlineAssetError(ValueError):
    """A generated page loads a URL that has no vendored copy."""


def write_data_docs(target: Path, validations: Mapping[str, ExpectationSuiteValidationResult]) -> Path:
    """Render GX Data Docs for exactly these validation results into `target`; return its index.

    The site is built by GX in a temporary folder from an ephemeral context, so earlier runs'
    results never appear, then copied with its pages made offline.
    """
    with tempfile.TemporaryDirectory(prefix="cds-data-docs-") as tmp:
        site = Path(tmp)
        _build_site(site, validations)
        _copy_offline(site, target)
    return target / "index.html"


def _build_site(site: Path, validations: Mapping[str, ExpectationSuiteValidationResult]) -> None:
    context = quiet_context()
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    for table, result in validations.items():
        _store(context, table, result)
    context.build_data_docs(site_names=[SITE_NAME])  # the whole (ephemeral) context: this run only


def _store(context: Any, table: str, result: ExpectationSuiteValidationResult) -> None:
    """Put the result, and the suite its page links to, in the context's stores."""
    from great_expectations import ExpectationSuite
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    expectations = [r.expectation_config.to_domain_obj() for r in result.results if r.expectation_config]
    context.suites.add(ExpectationSuite(name=result.suite_name, expectations=expectations))
    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
        run_id=result.meta.get("run_id"),
        batch_identifier=table,
    )
    context.validation_results_store.set(key, result)


def _copy_offline(site: Path, target: Path) -> None:
    """The site's pages with local asset URLs, the used GX static files and the vendored ones."""
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * (len(relative.parts) - 1)
        destination.write_text(offline_html(page.read_text(encoding="utf-8"), root), encoding="utf-8")
    for name in GX_STATIC_FILES:
        (target / "static" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site / "static" / name, target / "static" / name)
    shutil.copytree(ASSETS_DIR, target / "static" / "vendor", ignore=shutil.ignore_patterns("*.md"))


def offline_html(html: str, root: str) -> str:
    """`html` with every asset it loads pointed into `<root>static/`; raise if one is unknown."""

    def local(url: str) -> str:
        known = OFFLINE_URLS.get(url.split("?", 1)[0])
        return root + "static/" + known if known else url

    def tag(match: re.Match[str]) -> str:
        text = _TAG_URL.sub(lambda m: f'{m[1]}="{local(m[2])}"', match[0])
        return _CORS_ATTRIBUTES.sub("", text) if text != match[0] else text

    html = _LOADING_TAG.sub(tag, html)
    html = _CSS_URL.sub(lambda m: f"url({m[1]}{local(m[2])}{m[1]})", html)
    html = _FAVICON.sub(f'href="{root}static/images/favicon.ico"', html)
    online = sorted(set(online_loads(html)))
    if online:
        raise OnlineAssetError(f"no vendored copy for {online}: add it to expectations/data_docs_assets")
    return html


def online_loads(html: str) -> Iterable[str]:
    """URLs over http(s) that a page would fetch on opening (links to follow are not loads)."""
    for match in _LOADING_TAG.finditer(html):
        yield from (m[2] for m in _TAG_URL.finditer(match[0]))
    yield from (m[2] for m in _CSS_URL.finditer(html))
