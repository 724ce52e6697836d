"""docs/openapi.yaml is a valid OpenAPI 3.1 document that describes every JSON API route."""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def spec() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def _null_keys(node, where: str = "") -> list[str]:
    """Keys with no value: in a YAML flow mapping an unquoted comma splits a description into one."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += [f"{where}/{key}"] if value is None else _null_keys(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _null_keys(value, f"{where}/{index}")
    return found


def test_the_spec_is_valid_openapi():
    validate(spec())
    assert _null_keys(spec()) == []


def test_every_parameter_example_is_valid_for_its_schema_and_sendable():
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                if "example" not in schema:
                    continue
                example = schema["example"]
                assert not list(OAS31Validator(schema).iter_errors(example)), (path, method, parameter["name"])
                if parameter["in"] == "header":   # a header value is visible ASCII
                    assert re.fullmatch(r"[\x20-\x7e]+", example), (path, method, parameter["name"], example)


def _spec_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_the_spec_describes_every_json_api_route(app):
    routes = {(_spec_path(rule.rule), method) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method.upper()) for path, item in spec()["paths"].items() for method in item}
    assert routes and routes - described == set()
