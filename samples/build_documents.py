#!/usr/bin/env python3
"""Build the binary sample reports (.pdf, .docx) from their text sources.

The sample corpus is text-first: every binary report in ``samples/reports/``
is generated from a plain-text source kept under ``samples/sources/`` (same
relative path, extension ``.txt``), so the annotated text is reviewable in
diffs and the binaries can be rebuilt byte-for-byte-ish at any time.

Source markup (one paragraph per line):
    "# text"    -> title line (large, bold, centred)
    "## text"   -> section heading (bold)
    "### text"  -> sub-heading (bold, smaller)
    "- text"    -> bullet item
    other       -> body paragraph

How to run (fpdf2 is not a project dependency, so use a throwaway venv):

    apt-get install -y fonts-dejavu-core          # TrueType font with Vietnamese glyphs
    python3 -m venv /tmp/pdfgen
    /tmp/pdfgen/bin/pip install fpdf2 python-docx
    /tmp/pdfgen/bin/python samples/build_documents.py

Check the output with the project venv (pypdf and python-docx):

    .venv/bin/python samples/build_documents.py --check

The font can be overridden with CDS_SAMPLE_FONT=/path/to/Regular.ttf and
CDS_SAMPLE_FONT_BOLD=/path/to/Bold.ttf.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
REPORTS = HERE / "reports"

# Each target (relative to samples/reports) is built from the .txt of the same name under samples/sources.
DOCUMENTS = {
    target: str(Path(target).with_suffix(".txt"))
    for target in (
        "quang-ninh/2024-01-15-bao-cao-chuyen-doi-so-nam-2023.pdf",
        "yen-bai/2024-01-05-bao-cao-tom-tat-chuyen-doi-so-2023.docx",
    )
}

FONT = os.environ.get("CDS_SAMPLE_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
FONT_BOLD = os.environ.get("CDS_SAMPLE_FONT_BOLD", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")


def read_blocks(src: Path) -> list[tuple[str, str]]:
    """Return (kind, text) pairs: kind in title, h2, h3, bullet, para."""
    blocks = []
    for line in src.read_text(encoding="utf-8").splitlines():
        line = unicodedata.normalize("NFC", line.rstrip())
        if not line.strip():
            continue
        for prefix, kind in (("### ", "h3"), ("## ", "h2"), ("# ", "title"), ("- ", "bullet")):
            if line.startswith(prefix):
                blocks.append((kind, line[len(prefix) :].strip()))
                break
        else:
            blocks.append(("para", line.strip()))
    return blocks


def build_pdf(blocks, out: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("Body", "", FONT)
    pdf.add_font("Body", "B", FONT_BOLD)
    pdf.set_title(next((t for k, t in blocks if k == "title"), out.stem))
    pdf.set_creator("cds-pipeline samples/build_documents.py")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, text in blocks:
        pdf.set_x(pdf.l_margin)
        if kind == "title":
            pdf.set_font("Body", "B", 13)
            pdf.multi_cell(width, 7, text, align="C")
        elif kind in ("h2", "h3"):
            pdf.ln(2)
            pdf.set_font("Body", "B", 11.5 if kind == "h2" else 11)
            pdf.multi_cell(width, 6, text)
        elif kind == "bullet":
            pdf.set_font("Body", "", 11)
            pdf.multi_cell(width, 6, "- " + text)
        else:
            pdf.set_font("Body", "", 11)
            pdf.multi_cell(width, 6, text)
        pdf.ln(1)
    pdf.output(str(out))


def build_docx(blocks, out: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    core = document.core_properties
    core.title = next((t for k, t in blocks if k == "title"), out.stem)
    core.author = "cds-pipeline samples"
    for kind, text in blocks:
        if kind == "title":
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(text).bold = True
        elif kind == "h2":
            document.add_heading(text, level=2)
        elif kind == "h3":
            document.add_heading(text, level=3)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    document.save(str(out))


def build() -> None:
    for target, source in DOCUMENTS.items():
        out = REPORTS / target
        out.parent.mkdir(parents=True, exist_ok=True)
        blocks = read_blocks(SOURCES / source)
        (build_pdf if out.suffix == ".pdf" else build_docx)(blocks, out)
        print(f"wrote {out.relative_to(HERE.parent)}", file=sys.stderr)


def extract(path: Path) -> str:
    if path.suffix == ".pdf":
        import pypdf

        return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def check() -> int:
    """Every source line must be found (NFC, whitespace-collapsed) in the extracted text."""
    bad = 0
    for target, source in DOCUMENTS.items():
        text = " ".join(unicodedata.normalize("NFC", extract(REPORTS / target)).split())
        missing = [t for _, t in read_blocks(SOURCES / source) if " ".join(t.split()) not in text]
        status = "ok" if not missing else f"{len(missing)} lines not found"
        print(f"{target}: {status}")
        for t in missing:
            print(f"    missing: {t[:90]}")
        bad += bool(missing)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(check() if "--check" in sys.argv else build() or 0)
