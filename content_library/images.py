"""Upload checks and renditions: the type is decided by content (Pillow), never by the file name."""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
                   "GIF": ("image/gif", "gif"), "WEBP": ("image/webp", "webp")}
MAX_PIXELS = 40_000_000          # refuse decompression bombs well before Pillow's own limit
THUMB_SIZE = (360, 360)
WECOM_IMAGE_MAX_BYTES = 10 * 1024 * 1024   # media/upload type=image: JPG/PNG, at most 10 MB
WECOM_MAX_SIDE = 2560
# Well-known signatures, only to say clearly what a refused file is.
_SIGNATURES = ((b"MZ", "Windows 可执行程序 (.exe)"), (b"\x7fELF", "Linux 可执行程序"), (b"%PDF", "PDF 文档"),
               (b"PK\x03\x04", "压缩包或 Office 文档"), (b"Rar!", "RAR 压缩包"), (b"\x1f\x8b", "gzip 压缩包"),
               (b"<", "网页或 XML 文本"), (b"{", "JSON 文本"))


class UploadRejected(ValueError):
    """The upload is refused; the message (Simplified Chinese) says why and names the file."""

    def __init__(self, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.too_large = too_large   # over the size cap (HTTP 413), not a bad file (422)


@dataclass(frozen=True)
class InspectedImage:
    sha256: str
    format: str          # Pillow's format name: JPEG, PNG, GIF, WEBP
    content_type: str
    extension: str
    width: int
    height: int
    size_bytes: int

    @property
    def storage_key(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256}.{self.extension}"

    @property
    def thumb_key(self) -> str:
        return f"thumbs/{self.sha256[:2]}/{self.sha256}.jpg"


def _describe(data: bytes) -> str:
    for magic, label in _SIGNATURES:
        head = data.lstrip() if magic in (b"<", b"{") else data
        if head.startswith(magic):
            return f"（检测到{label}）"
    return ""


def inspect_image(data: bytes, filename: str, max_bytes: int) -> InspectedImage:
    """Check an upload by its content and size; raise UploadRejected with a clear message."""
    name = filename or "未命名文件"
    if not data:
        raise UploadRejected(f"「{name}」是空文件")
    if len(data) > max_bytes:
        raise UploadRejected(f"「{name}」大小 {len(data) / 1048576:.1f} MB，超过 {max_bytes // 1048576} MB 上限",
                             too_large=True)
    image_format, width, height = _verified(data, name)
    if image_format not in ALLOWED_FORMATS:
        raise UploadRejected(f"「{name}」是 {image_format} 图片，只支持 JPG、PNG、GIF、WebP")
    content_type, extension = ALLOWED_FORMATS[image_format]
    return InspectedImage(hashlib.sha256(data).hexdigest(), image_format, content_type, extension,
                          width, height, len(data))


def _verified(data: bytes, name: str) -> tuple[str, int, int]:
    refused = UploadRejected(f"「{name}」的内容不是图片{_describe(data)}，已拒绝（按文件内容判断，与扩展名无关）")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format, (width, height) = probe.format, probe.size
                if width * height > MAX_PIXELS:
                    raise UploadRejected(f"「{name}」尺寸 {width}×{height} 过大，最多 4000 万像素")
                probe.verify()
            with Image.open(io.BytesIO(data)) as full:
                full.load()   # verify() skips the pixel data; a truncated file fails here
    except UploadRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refused from exc
    except (OSError, SyntaxError, ValueError) as exc:   # truncated or corrupt image data
        raise UploadRejected(f"「{name}」图片已损坏，无法读取") from exc
    # A multi-picture JPEG (MPO, from some phone cameras) is a JPEG to every reader.
    return ("JPEG" if image_format == "MPO" else str(image_format)), width, height


def _flattened(image: Image.Image) -> Image.Image:
    """An RGB copy, transparent areas on white (JPEG has no alpha)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def thumbnail(data: bytes) -> bytes:
    """A JPEG thumbnail that fits THUMB_SIZE, upright (EXIF orientation applied)."""
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        flat = _flattened(image)
    flat.thumbnail(THUMB_SIZE)
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def wecom_rendition(data: bytes, image_format: str) -> tuple[bytes, str, str]:
    """The bytes, content type and extension to upload to WeCom (JPG/PNG at most 10 MB)."""
    if image_format in ("JPEG", "PNG") and len(data) <= WECOM_IMAGE_MAX_BYTES:
        content_type, extension = ALLOWED_FORMATS[image_format]
        return data, content_type, extension
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        flat = _flattened(image)
    flat.thumbnail((WECOM_MAX_SIDE, WECOM_MAX_SIDE))
    for quality in (88, 75, 60):
        out = io.BytesIO()
        flat.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= WECOM_IMAGE_MAX_BYTES:
            break
    return out.getvalue(), "image/jpeg", "jpg"
