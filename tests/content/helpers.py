"""Test data for the content library: real images made with Pillow, products, materials."""
from __future__ import annotations

import io
from datetime import date

from PIL import Image

from content_library.forms import MaterialForm
from models import Product


def image_bytes(color: str = "#c33", size: tuple[int, int] = (64, 48), fmt: str = "PNG") -> bytes:
    """A real image of one colour in the given format."""
    out = io.BytesIO()
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    Image.new(mode, size, color).save(out, fmt)
    return out.getvalue()


# The start of a Windows executable (the "MZ" DOS header and its stub message), as a renamed .exe has.
EXE_BYTES = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 2000
             + b"This program cannot be run in DOS mode")


def product(session, sku: str, category: str, name: str | None = None, price_fen: int = 39900,
            launch_on: date | None = None) -> Product:
    row = Product(sku=sku, name=name or f"{category}{sku}", category=category, price_fen=price_fen,
                  launch_on=launch_on, styles=[])
    session.add(row)
    session.flush()
    return row


def outfit_form(title: str, file_ids: list[int], product_ids: list[int], **kwargs) -> MaterialForm:
    return MaterialForm(kind="outfit", title=title, file_ids=file_ids, product_ids=product_ids, **kwargs)
