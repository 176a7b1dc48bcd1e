"""The Cal.com v2 OpenAPI spec as the stub validates it: the published file
(`<repo>/../shared/specs/calcom-v2-openapi.json`) with corrections where the real server
contradicts it, each one explained below and in `tests/stubs/calcom.py`."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / ".." / "shared" / "specs" / "calcom-v2-openapi.json"


def spec_available() -> bool:
    return SPEC_PATH.is_file()


def _anyof(node: Any) -> Any:
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _anyof(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_anyof(v) for v in node]
    return node


def _nullable_refs(node: Any) -> None:
    """`{"nullable": true, "allOf": [{"$ref": …}]}` (e.g. an event type's `recurrence`,
    null when not recurring): the validator ignores `nullable` beside `allOf`, so the
    null case is spelled out."""
    if isinstance(node, dict):
        if node.get("nullable") is True and "allOf" in node and "type" not in node:
            node["anyOf"] = [*node.pop("allOf"), {"nullable": True, "enum": [None]}]
        for value in node.values():
            _nullable_refs(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_refs(value)


def _boolean_flags(spec: dict) -> None:
    """Booking-field outputs declare `required`/`isDefault`/`hidden` as objects, yet their
    examples and descriptions (and the server) use booleans."""
    for name, schema in spec["components"]["schemas"].items():
        if not name.endswith("FieldOutput_2024_06_14"):
            continue
        for key in ("required", "isDefault", "hidden"):
            prop = schema.get("properties", {}).get(key)
            if prop is not None and prop.get("type") == "object":
                prop["type"] = "boolean"


@lru_cache(maxsize=1)
def openapi() -> Any:
    from jsonschema_path import SchemaPath
    from openapi_core import Config, OpenAPI

    spec = _anyof(json.loads(SPEC_PATH.read_text()))
    _boolean_flags(spec)
    _nullable_refs(spec)
    slots = spec["paths"]["/v2/slots"]["get"]["responses"]["200"]["content"]["application/json"]
    slots["schema"] = {
        "type": "object",
        "required": ["status", "data"],
        "properties": {
            "status": {"type": "string", "enum": ["success"]},
            "data": {
                "type": "object",
                "additionalProperties": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["start"],
                        "properties": {"start": {"type": "string"}, "end": {"type": "string"}},
                    },
                },
            },
        },
    }
    return OpenAPI(SchemaPath.from_dict(spec), config=Config(spec_validator_cls=None))
