"""WeCom's OAuth2 authorize page for H5 apps (protocol doc §4.14), played by a person.

In the WeCom client the member is signed in and the page redirects at once; here the visitor picks
which sandbox member they are (or a visitor who is not a member), and the page redirects to
``redirect_uri?code=CODE&state=STATE`` with a one-use code that ``auth/getuserinfo`` accepts.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, redirect, render_template_string, request

from .state import SandboxCorp

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>企业微信授权（沙箱）</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:0;background:#f4f5f7;color:#1f2937}
header{background:#2b6de5;color:#fff;padding:14px 16px;font-size:18px}main{padding:16px;max-width:520px;margin:auto}
.dept{margin:16px 0 6px;color:#6b7280;font-size:14px}a.member{display:flex;justify-content:space-between;
align-items:center;background:#fff;border-radius:10px;padding:14px 16px;margin:8px 0;min-height:48px;color:#1f2937;
text-decoration:none;box-shadow:0 1px 2px rgba(0,0,0,.06)}a.member span{color:#6b7280;font-size:13px}
.visitor{color:#6b7280}</style></head><body>
<header>企业微信 · 沙箱授权</header><main>
<p>应用请求获取你的成员身份。在企业微信里这一步会自动完成；在沙箱里请选择你是哪位成员：</p>
{% for dept, members in groups %}<div class="dept">{{ dept }}</div>
{% for m in members %}<a class="member" data-userid="{{ m.userid }}" href="{{ choose(m.userid) }}">{{ m.name }}
<span>{{ m.position or '' }} {{ m.userid }}</span></a>{% endfor %}{% endfor %}
<a class="member visitor" data-userid="" href="{{ choose('') }}">我不是企业成员（访客）<span>openid</span></a>
</main></body></html>"""

ERROR = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>授权失败</title></head>
<body style="font-family:system-ui,sans-serif;padding:16px"><h1>授权失败</h1><p>{{ message }}</p></body></html>"""


def oauth_blueprint(corp: SandboxCorp) -> Blueprint:
    """The authorize page of ``corp`` at /connect/oauth2/authorize."""
    bp = Blueprint("sandbox_oauth", __name__)

    @bp.get("/connect/oauth2/authorize")
    def authorize() -> Response | str:
        problem = _problem(corp, request.args)
        if problem:
            return Response(render_template_string(ERROR, message=problem), status=400)
        chosen = request.args.get("as")
        if chosen is None:
            return render_template_string(PAGE, groups=_members_by_department(corp), choose=_choose_url)
        if chosen and chosen not in corp.members:
            return Response(render_template_string(ERROR, message="没有这位成员"), status=400)
        code = (corp.issue_oauth_code(chosen, scope=request.args.get("scope", "snsapi_base")) if chosen
                else corp.issue_oauth_code(openid=f"sandbox-openid-{len(corp.oauth_codes) + 1}"))
        return redirect(_with_query(request.args["redirect_uri"], code=code, state=request.args.get("state", "")))

    return bp


def _problem(corp: SandboxCorp, args) -> str | None:
    if args.get("appid") != corp.corp_id:
        return "appid 不是这个企业的 CorpID"
    if args.get("response_type") != "code":
        return "response_type 必须是 code"
    if not args.get("redirect_uri", "").startswith(("http://", "https://")):
        return "redirect_uri 无效"
    return None


def _members_by_department(corp: SandboxCorp) -> list[tuple[str, list]]:
    with corp.lock:
        groups: dict[int, list] = {}
        for member in corp.members.values():
            if member.status == 1:
                groups.setdefault(member.department[0] if member.department else 1, []).append(member)
        return [(corp.departments[d].name if d in corp.departments else str(d), sorted(ms, key=lambda m: m.userid))
                for d, ms in sorted(groups.items())]


def _choose_url(userid: str) -> str:
    return request.path + "?" + urlencode({**request.args.to_dict(), "as": userid})


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode(query + list(params.items()))))
