"""WeCom temporary media for material images: uploaded when first needed, cached, refreshed before expiry.

A media_id from media/upload is valid for 3 days and shared by every app of the corp.
It is stored on the file (one per content, whatever the number of materials using it),
so a send never uploads; the scheduled job re-uploads the files still in use shortly
before their media_id expires.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from content_library.images import wecom_rendition
from content_library.storage import Storage
from models import Material, MaterialFile, MediaFile

MEDIA_TTL = timedelta(days=3)
SEND_MARGIN = timedelta(hours=1)       # a media_id closer to expiry than this is not handed out
REFRESH_WITHIN = timedelta(hours=24)   # the job re-uploads media expiring within this window
_FORMAT_OF = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def upload_file(*, client, storage: Storage, file: MediaFile) -> None:
    """Upload the file to WeCom (media/upload, type image) and cache the media_id with its expiry."""
    data = storage.get(file.storage_key)
    body, content_type, extension = wecom_rendition(data, _FORMAT_OF.get(file.content_type, ""))
    result = client.media.upload("image", (f"{file.sha256[:16]}.{extension}", body, content_type))
    created = result.get("created_at")
    uploaded_at = datetime.fromtimestamp(int(created), timezone.utc) if created else datetime.now(timezone.utc)
    file.wecom_media_id = result["media_id"]
    file.wecom_uploaded_at = uploaded_at
    file.wecom_expires_at = uploaded_at + MEDIA_TTL


def media_id_for(*, client, storage: Storage, file: MediaFile, now: datetime) -> str:
    """A media_id for the file valid for a while yet; uploads only when none is cached or it is expiring."""
    if file.wecom_media_id and file.wecom_expires_at and file.wecom_expires_at - now > SEND_MARGIN:
        return file.wecom_media_id
    upload_file(client=client, storage=storage, file=file)
    return str(file.wecom_media_id)


def media_ids_for_material(*, client, storage: Storage, material: Material, now: datetime) -> list[str]:
    """The media_ids of a material's images, in display order."""
    return [media_id_for(client=client, storage=storage, file=item.file, now=now) for item in material.files]


def files_to_refresh(*, session: Session, now: datetime, today: date,
                     within: timedelta = REFRESH_WITHIN) -> list[int]:
    """Ids of files with a media_id expiring within `within` that an enabled, current material uses."""
    stmt = (
        select(MediaFile.id).join(MaterialFile, MaterialFile.file_id == MediaFile.id)
        .join(Material, Material.id == MaterialFile.material_id)
        .where(MediaFile.wecom_media_id.is_not(None), MediaFile.wecom_expires_at <= now + within,
               Material.enabled.is_(True), or_(Material.valid_to.is_(None), Material.valid_to >= today))
        .distinct().order_by(MediaFile.id)
    )
    return list(session.scalars(stmt))
