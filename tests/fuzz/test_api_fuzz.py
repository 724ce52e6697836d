"""Fuzz every JSON API operation of docs/openapi.yaml against the real app: no input may cause a 5xx.

Cases come from the spec (schemathesis, positive and negative generation), each perhaps carrying one
hostile value (tests/fuzz/hostile.py). The signed webhooks are fuzzed both signed (a valid HMAC of the
generated body, so the fuzz reaches the intake) and unsigned; the bearer operations with the token.
Examples are bounded and derandomized, so a CI run is repeatable and takes well under a minute a backend.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings, strategies as st
from schemathesis.generation.modes import GenerationMode

from tests.conftest import API_TOKEN
from tests.fuzz.conftest import SIGNED
from models import Customer
from tests.fuzz.hostile import FUZZ_CUSTOMER, hostile, request_of
from tests.fuzz.test_openapi_spec import spec

SPEC = spec()
SCHEMA = schemathesis.openapi.from_dict(SPEC)
OPERATIONS = [(path, method.upper()) for path, item in SPEC["paths"].items() if path.startswith("/api/v1/")
              for method in item if method in ("get", "post", "put", "patch", "delete")]
EXAMPLES = 100


def _variants():
    for path, method in OPERATIONS:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            yield pytest.param(path, method, mode, "signed" if path in SIGNED else "token",
                               id=f"{method} {path} {mode.value}")
            if path in SIGNED:
                yield pytest.param(path, method, mode, "unsigned", id=f"{method} {path} {mode.value} unsigned")


@pytest.fixture
def known_customer(db, org):
    """The customer the fuzz's orders and events may name (the org's store and guides come with `org`)."""
    with db.transaction() as session:
        session.add(Customer(external_userid=FUZZ_CUSTOMER, name="林女士"))


@pytest.mark.parametrize("path, method, mode, auth", list(_variants()))
def test_no_input_makes_the_api_fail_with_a_5xx(app, known_customer, path, method, mode, auth):
    client = app.test_client()
    strategy = SCHEMA[path][method].as_strategy(generation_mode=mode)

    @given(case=strategy, data=st.data())
    @hypothesis_settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck),
                         phases=[Phase.explicit, Phase.generate])   # no shrinking: bounded time
    def fuzz(case, data):
        raw, edits = hostile(data, case)
        request = request_of(case, raw, edits, secret=SIGNED.get(path) if auth == "signed" else None)
        if auth == "token":
            request["headers"]["Authorization"] = f"Bearer {API_TOKEN}"
        response = client.open(**request)
        shown = {k: (v[:300] if isinstance(v, bytes) else v) for k, v in request.items()}
        assert response.status_code < 500, (shown, response.status_code, response.get_data()[:500])
        assert response.is_json, (shown, response.status_code, response.get_data()[:200])

    fuzz()

