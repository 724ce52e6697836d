"""``python -m bot.sandbox --corp-id ww... --secret S1=1000002 --secret S2=contact``."""

from __future__ import annotations

import argparse

from .server import serve
from .state import SandboxCorp


def _secret(spec: str) -> tuple[str, int | None]:
    secret, _, agent = spec.partition("=")
    if not secret or not agent:
        raise argparse.ArgumentTypeError("use SECRET=AGENTID or SECRET=contact")
    return secret, None if agent == "contact" else int(agent)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description="WeCom API sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--corp-id", default="wwsandbox0000000001")
    parser.add_argument("--secret", type=_secret, action="append", default=[],
                        help="SECRET=AGENTID, or SECRET=contact for the 客户联系 secret (repeatable)")
    parser.add_argument("--member", action="append", default=[], help="USERID[:NAME] to seed (repeatable)")
    args = parser.parse_args(argv)
    secrets = dict(args.secret) or {"app-secret": 1000002, "contact-secret": None}
    corp = SandboxCorp(args.corp_id, secrets)
    for spec in args.member:
        userid, _, name = spec.partition(":")
        corp.add_member(userid, name or userid)
    serve(args.host, args.port, corp)


if __name__ == "__main__":
    main()
