"""Where uploaded files live: a local folder by default, an S3-compatible bucket for several web servers.

Keys are content-addressed (derived from the file's sha256), so a stored object never
changes and may be cached forever.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from config import Settings

IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.-]{0,199}$")


class StorageError(RuntimeError):
    """The storage backend failed or was given a bad key."""


def check_key(key: str) -> str:
    """Return key if it is a safe relative object key (no '..', no absolute path)."""
    if not _KEY.match(key) or ".." in key or "//" in key:
        raise StorageError(f"bad storage key {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under a root folder; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store data under key, replacing it atomically."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Return the object's bytes; FileNotFoundError when missing."""
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        """Every stored key (for tests and maintenance)."""
        if not self.root.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*")
                      if p.is_file() and not p.name.startswith(".upload-"))


class S3Storage:
    """Objects in an S3-compatible bucket under a prefix, written with immutable caching headers."""

    def __init__(self, bucket: str, prefix: str = "", client=None):
        self.bucket = bucket
        self.prefix = prefix
        self.client = client

    @classmethod
    def from_settings(cls, settings: Settings) -> "S3Storage":
        """Build the boto3 client from the S3_* settings (endpoint for non-AWS services)."""
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3", endpoint_url=settings.S3_ENDPOINT_URL or None, region_name=settings.S3_REGION or None,
            aws_access_key_id=settings.S3_ACCESS_KEY_ID or None,
            aws_secret_access_key=settings.S3_SECRET_ACCESS_KEY or None,
            config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"},
                          connect_timeout=5, read_timeout=30),
        )
        return cls(settings.S3_BUCKET, settings.S3_PREFIX, client)

    def _key(self, key: str) -> str:
        return f"{self.prefix}{check_key(key)}"

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload data under key with its content type and immutable caching."""
        self._call("put_object", Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type,
                   CacheControl=IMMUTABLE_CACHE_CONTROL)

    def get(self, key: str) -> bytes:
        """Return the object's bytes; FileNotFoundError when missing."""
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from exc
            raise StorageError(str(exc)) from exc
        return response["Body"].read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise StorageError(str(exc)) from exc

    def delete(self, key: str) -> None:
        self._call("delete_object", Bucket=self.bucket, Key=self._key(key))

    def _call(self, method: str, **kwargs) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            getattr(self.client, method)(**kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise StorageError(f"{method} failed: {exc}") from exc


def media_root(settings: Settings) -> Path:
    """The local media folder: MEDIA_ROOT, or instance/media."""
    return Path(settings.MEDIA_ROOT or Path(settings.INSTANCE_PATH) / "media")


@lru_cache(maxsize=8)
def _cached(kind: str, root: str, bucket: str, prefix: str, endpoint: str, region: str, key_id: str,
            secret: str) -> Storage:
    if kind == "s3":
        return S3Storage.from_settings(Settings(
            MEDIA_STORAGE="s3", S3_BUCKET=bucket, S3_PREFIX=prefix, S3_ENDPOINT_URL=endpoint, S3_REGION=region,
            S3_ACCESS_KEY_ID=key_id, S3_SECRET_ACCESS_KEY=secret))
    return LocalStorage(root)


def storage_for(settings: Settings) -> Storage:
    """The storage backend the settings select (one per configuration and process)."""
    return _cached(settings.MEDIA_STORAGE, str(media_root(settings)), settings.S3_BUCKET, settings.S3_PREFIX,
                   settings.S3_ENDPOINT_URL, settings.S3_REGION, settings.S3_ACCESS_KEY_ID,
                   settings.S3_SECRET_ACCESS_KEY)
