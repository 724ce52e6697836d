"""`flask content import-arrivals FILE`, and the storage backend the settings select."""
from __future__ import annotations

from sqlalchemy import select

from config import Settings
from content_library.storage import LocalStorage, S3Storage, media_root, storage_for
from models import Product


def test_import_arrivals_from_the_command_line(app, db, tmp_path):
    path = tmp_path / "arrivals.csv"
    path.write_text("SKU,名称,品类,价格,上市日期\nC1,风衣,风衣,899,2026-09-01\nC2,裙子,半身裙,,2026-09-01\n",
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "import-arrivals", str(path)])
    assert result.exit_code == 1, result.output          # one row failed: a non-zero exit for scripts
    assert "第 2 行\tC1\t新增" in result.output and "第 3 行\tC2\t失败\t价格不能为空" in result.output
    assert "共 2 行：成功 1，失败 1" in result.output
    with db.transaction() as session:
        assert session.scalars(select(Product.sku)).all() == ["C1"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name\nx\n")
    refused = app.test_cli_runner().invoke(args=["content", "import-arrivals", str(bad)])
    assert refused.exit_code != 0 and "表头缺少列" in refused.output


def test_local_storage_is_the_default_under_the_instance_folder(tmp_path):
    settings = Settings(INSTANCE_PATH=str(tmp_path))
    storage = storage_for(settings)
    assert isinstance(storage, LocalStorage) and storage.root == tmp_path / "media" == media_root(settings)


def test_s3_storage_is_selected_by_setting_without_touching_the_network():
    settings = Settings(MEDIA_STORAGE="s3", S3_BUCKET="brand-media", S3_PREFIX="guide/",
                        S3_ENDPOINT_URL="http://127.0.0.1:9", S3_REGION="ap-shanghai",
                        S3_ACCESS_KEY_ID="key", S3_SECRET_ACCESS_KEY="secret")
    storage = storage_for(settings)
    assert isinstance(storage, S3Storage) and storage.bucket == "brand-media"
    assert storage.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert storage._key("ab/cd.png") == "guide/ab/cd.png"
    assert storage_for(settings) is storage                # one client per configuration and process


def test_s3_settings_are_validated():
    problems = list(Settings(MEDIA_STORAGE="s3")._malformed()) + list(Settings(MEDIA_STORAGE="ftp")._malformed())
    assert "S3_BUCKET is required when MEDIA_STORAGE=s3" in problems
    assert "MEDIA_STORAGE must be 'local' or 's3'" in problems
