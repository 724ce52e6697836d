"""`flask --app wsgi content ...`: the HQ content library from the shell."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

content_cli = AppGroup("content", help="The HQ content library (materials, new arrivals, WeCom media).")


@content_cli.command("import-arrivals")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_arrivals_command(path: Path) -> None:
    """Import new arrivals from a CSV or XLSX file and print the per-row report."""
    from content_library.arrivals import ImportFileInvalid, import_arrivals

    try:
        with current_app.extensions["runtime"].db.transaction() as session:
            report = import_arrivals(session=session, data=path.read_bytes())
    except ImportFileInvalid as exc:
        raise click.ClickException(str(exc)) from exc
    labels = {"created": "新增", "updated": "更新", "error": "失败"}
    for row in report:
        detail = "；".join(row.errors)
        click.echo(f"第 {row.row} 行\t{row.sku or '-'}\t{labels[row.status]}" + (f"\t{detail}" if detail else ""))
    failed = sum(1 for r in report if r.status == "error")
    click.echo(f"共 {len(report)} 行：成功 {len(report) - failed}，失败 {failed}")
    if failed:
        raise SystemExit(1)


@content_cli.command("refresh-media")
def refresh_media_command() -> None:
    """Re-upload to WeCom the in-use images whose media_id expires within a day."""
    from tasks.media import refresh_wecom_media

    click.echo(f"refreshed {refresh_wecom_media()} images")
