"""Supplies labels: what the codes say, read back from the printed page by a barcode reader."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports.supplies.labels import SHEETS, LabelError, render_labels
from models.supplies.queries import parse_label
from plans.supplies.labels import Label, parse_scan

BATCH = Label("batch", 1234, "WZ-0001", "正压式空气呼吸器", "RHZKF6.8/30", "套", "2026-11批", date(2029, 11, 29),
              "市应急物资储备库")
ITEM = Label("item", 56, "WZ-0002", "沙袋", "50×80cm", "袋")


def test_the_payload_is_ascii_and_reads_back() -> None:
    payload = BATCH.payload()
    assert payload.isascii() and payload.startswith("WZB00001234|WZ-0001|")
    scanned = parse_scan(payload + "\r\n")  # a scanner ends with Enter
    assert scanned is not None
    assert (scanned.kind, scanned.ident, scanned.item_code, scanned.batch_no, scanned.expires_on) == (
        "batch", 1234, "WZ-0001", "2026-11批", date(2029, 11, 29))
    assert BATCH.short() == "WZB00001234" and parse_scan(" wzb00001234 ").ident == 1234  # type: ignore[union-attr]
    item = parse_scan(ITEM.payload())
    assert item is not None and (item.kind, item.ident, item.item_code) == ("item", 56, "WZ-0002")


def test_the_movement_dialog_finds_the_batch_in_what_the_scanner_typed() -> None:
    # the page reads scans with models.supplies.queries: both codes of a label name the batch
    assert parse_label(BATCH.payload()) == parse_label(BATCH.short()) == 1234
    assert parse_label(ITEM.payload()) is None


@pytest.mark.parametrize("typed", ["WZ-0001", "", "XYZ|B1|a", "WZB", "WZBx12", "WZB12X"])
def test_anything_else_is_no_label(typed: str) -> None:
    assert parse_scan(typed) is None


def _decoded(pdf: Path, tmp_path: Path) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    texts: list[str] = []
    for png in sorted(tmp_path.glob("page*.png")):
        texts += [r.text for r in zxingcpp.read_barcodes(Image.open(png))]
    return texts


def test_qr_labels_decode_to_their_payloads(tmp_path: Path) -> None:
    labels = [BATCH, ITEM, Label("batch", 7, "WZ-0003", "化学防护服", "", "套", "B-7", None)]
    pdf = tmp_path / "labels.pdf"
    assert render_labels(labels, pdf, symbology="qr") == 1
    assert sorted(_decoded(pdf, tmp_path)) == sorted(label.payload() for label in labels)
    text = PdfReader(pdf).pages[0].extract_text()
    assert "正压式空气呼吸器" in text and "有效期至：2029-11-29" in text and "有效期至：长期" in text


def test_code128_labels_decode_and_fill_sheets_in_order(tmp_path: Path) -> None:
    labels = [Label("batch", n, f"WZ-{n}", "救生衣", "", "件", f"B{n}", date(2030, 1, 1)) for n in range(1, 17)]
    pdf = tmp_path / "bars.pdf"
    assert render_labels(labels, pdf, symbology="code128", sheet="2x7", skip=3) == 2  # 11 + 5
    assert sorted(_decoded(pdf, tmp_path)) == sorted(f"WZB{n:08d}" for n in range(1, 17))
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2 and reader.metadata is not None and reader.metadata.title == "物资标签"


def test_nothing_to_print_and_an_unknown_sheet_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="没有可打印"):
        render_labels([], tmp_path / "x.pdf")
    with pytest.raises(LabelError, match="标签纸"):
        render_labels([ITEM], tmp_path / "x.pdf", sheet="4x10")
    assert not (tmp_path / "x.pdf").exists() and set(SHEETS) == {"3x8", "2x7"}
