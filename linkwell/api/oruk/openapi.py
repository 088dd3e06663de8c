"""OpenAPI 3 descriptions of the ORUK responses, built from the official ORUK 3.0 JSON Schemas.

The HSDS objects are described by the schemas Open Referral publishes, not by hand: the service
and its nested objects come from `linkwell/directory/schemas/oruk-3.0/service_with_definitions.json`
(each `definitions` entry becomes a component, `OrukService`, `OrukLocation`, ...), the list items
and `/` from the validator schemas in `./schemas/`. Table-schema keywords the ORUK files carry
(`constraints`, `core`, `datapackage_*`, ...) are dropped: OpenAPI 3.0 allows none of them.

drf-spectacular only registers components it resolves itself, so each schema is a marker
serializer class (`OrukSchema` subclasses, never instantiated for data) mapped by one serializer
extension; references between HSDS objects become `$ref`s to the other markers' components.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

import linkwell.directory

JSON = dict[str, Any]

DIRECTORY_SCHEMAS = Path(linkwell.directory.__file__).parent / "schemas" / "oruk-3.0"
API_SCHEMAS = Path(__file__).parent / "schemas"

# JSON Schema keywords OpenAPI 3.0's Schema Object accepts (and the ORUK files use).
_KEYWORDS = frozenset(
    {
        "type",
        "format",
        "title",
        "description",
        "example",
        "enum",
        "required",
        "items",
        "properties",
        "allOf",
        "oneOf",
        "anyOf",
        "minimum",
        "maximum",
        "pattern",
        "minLength",
        "maxLength",
    }
)

# ORUK OpenAPI 3.0 `components/schemas/Page`.
PAGE_PROPERTIES: JSON = {
    "total_items": {"type": "integer", "description": "Count of all results."},
    "total_pages": {"type": "integer", "description": "Count of pages (0 when no results)."},
    "page_number": {"type": "integer", "description": "This page's number (from 1)."},
    "size": {"type": "integer", "description": "Number of entities on this page."},
    "first_page": {"type": "boolean", "description": "Whether this is the first page."},
    "last_page": {"type": "boolean", "description": "Whether this is the last page."},
    "empty": {"type": "boolean", "description": "Whether this page has no entities."},
}


@cache
def load(path: Path) -> JSON:
    with path.open(encoding="utf-8") as fh:
        data: JSON = json.load(fh)
    return data


def service_document() -> JSON:
    return load(DIRECTORY_SCHEMAS / "service_with_definitions.json")


Resolve = Callable[[str], JSON]


def clean(schema: Any, resolve: Resolve) -> Any:
    """An ORUK schema fragment as an OpenAPI 3.0 Schema Object; `#/definitions/x` refs go through
    `resolve` (definition name -> `{"$ref": ...}` of its component)."""
    if isinstance(schema, list):
        return [clean(item, resolve) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return resolve(str(schema["$ref"]).rsplit("/", 1)[-1])
    out: JSON = {}
    for key, value in schema.items():
        if key not in _KEYWORDS:
            continue
        if key == "properties":
            out[key] = {name: clean(prop, resolve) for name, prop in value.items()}
        elif key in {"items", "allOf", "oneOf", "anyOf"}:
            cleaned = clean(value, resolve)
            if key != "items":
                cleaned = [c for c in cleaned if c]
                if not cleaned:
                    continue
            out[key] = cleaned
        else:
            out[key] = value
    if "enum" in out:
        # drf-spectacular hoists every property enum into a shared `<Prop>Enum` component and
        # merges or renames those by property name across the whole API (warnings, and names
        # that change with other apps' serializers). Inside `allOf` the HSDS enums stay local.
        out["allOf"] = [{"enum": out.pop("enum")}]
    return out


class OrukAutoSchema(AutoSchema):
    """Marks every query parameter `allowEmptyValue`: a blank value (`?search=`) counts as
    absent (`params._raw`), whatever the parameter's type, and the document should say so."""

    def get_operation(self, *args: Any, **kwargs: Any) -> JSON | None:
        operation: JSON | None = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter.get("in") == "query":
                parameter["allowEmptyValue"] = True
        return operation


class OrukSchema(serializers.Serializer[Any]):
    """Marker: its OpenAPI schema is `openapi_schema()`, not its (absent) fields."""

    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        raise NotImplementedError


def _definition_marker(name: str) -> type[OrukSchema]:
    class Definition(OrukSchema):
        definition: ClassVar[str] = name

        @classmethod
        def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
            document = service_document()
            source = document if cls.definition == "service" else document["definitions"][name]
            schema: JSON = clean(source, resolve)
            return schema

    class_name = "Oruk" + "".join(part.title() for part in name.split("_"))
    Definition.__name__ = Definition.__qualname__ = class_name
    return Definition


DEFINITION_NAMES = (
    "service",
    "organization",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "contact",
    "address",
    "schedule",
    "funding",
    "service_area",
    "language",
    "accessibility",
    "taxonomy_term",
    "cost_option",
    "organization_identifier",
    "taxonomy",
)
DEFINITIONS: dict[str, type[OrukSchema]] = {n: _definition_marker(n) for n in DEFINITION_NAMES}

OrukService = DEFINITIONS["service"]
OrukOrganization = DEFINITIONS["organization"]
OrukTaxonomy = DEFINITIONS["taxonomy"]
OrukTaxonomyTerm = DEFINITIONS["taxonomy_term"]


class OrukServiceAtLocationFull(OrukSchema):
    """`/service_at_locations/{id}`: the service_at_location with its full service."""

    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        return {
            "allOf": [
                resolve("service_at_location"),
                {"type": "object", "properties": {"service": component(OrukService)}},
            ]
        }


def _list_item(path: Path) -> JSON:
    return load(path)["properties"]["contents"]["items"]


class OrukServiceSummary(OrukSchema):
    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        return clean(_list_item(DIRECTORY_SCHEMAS / "service_list_page.json"), resolve)


class OrukServiceAtLocationSummary(OrukSchema):
    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        return clean(_list_item(API_SCHEMAS / "service_at_location_list_page.json"), resolve)


class OrukOrganizationSummary(OrukSchema):
    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        return clean(load(API_SCHEMAS / "organization_list_item.json"), resolve)


class OrukApiDetails(OrukSchema):
    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        return clean(load(API_SCHEMAS / "api_details.json"), resolve)


class OrukError(OrukSchema):
    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        return {
            "type": "object",
            "required": ["detail"],
            "properties": {
                "detail": {
                    "type": "string",
                    "description": "What was wrong, naming the parameter.",
                    "example": "per_page must be a whole number between 1 and 500",
                }
            },
        }


def page_of(item: type[OrukSchema], name: str) -> type[OrukSchema]:
    """A marker for the ORUK page envelope whose `contents` are `item` objects."""

    class Page(OrukSchema):
        @classmethod
        def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
            return {
                "type": "object",
                "required": [*PAGE_PROPERTIES, "contents"],
                "properties": {
                    **PAGE_PROPERTIES,
                    "contents": {"type": "array", "items": component(item)},
                },
            }

    Page.__name__ = Page.__qualname__ = name
    return Page


class OrukServiceMinimal(OrukSchema):
    """`/services?minimal=true` items: the HSDS service's `id` and `last_modified` only."""

    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        properties = service_document()["properties"]
        return {
            "type": "object",
            "required": ["id", "last_modified"],
            "properties": {
                "id": clean(properties["id"], resolve),
                "last_modified": clean(properties["last_modified"], resolve),
            },
        }


OrukServicePage = page_of(OrukServiceSummary, "OrukServicePage")
OrukServiceMinimalPage = page_of(OrukServiceMinimal, "OrukServiceMinimalPage")


class OrukServiceListResponse(OrukSchema):
    """`/services`: a page of summaries (or full services), or with `minimal=true` of ids."""

    @classmethod
    def openapi_schema(cls, resolve: Resolve, component: Callable[[type], JSON]) -> JSON:
        return {"anyOf": [component(OrukServicePage), component(OrukServiceMinimalPage)]}


OrukServiceAtLocationPage = page_of(OrukServiceAtLocationSummary, "OrukServiceAtLocationPage")
OrukOrganizationPage = page_of(OrukOrganizationSummary, "OrukOrganizationPage")
OrukTaxonomyPage = page_of(OrukTaxonomy, "OrukTaxonomyPage")
OrukTaxonomyTermPage = page_of(OrukTaxonomyTerm, "OrukTaxonomyTermPage")


class OrukSchemaExtension(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    target_class = OrukSchema
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> JSON:
        target = self.target if isinstance(self.target, type) else type(self.target)
        marker: type[OrukSchema] = target

        def component(cls: type) -> JSON:
            ref: JSON = auto_schema.resolve_serializer(cls, direction).ref
            return ref

        def resolve(definition: str) -> JSON:
            return component(DEFINITIONS[definition])

        return marker.openapi_schema(resolve, component)
