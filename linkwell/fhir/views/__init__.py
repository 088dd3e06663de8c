"""FHIR R4 endpoints, one module per resource type. Each view: `fhir_view` (http.py) ->
`require_client` (auth.py) -> selector or service -> builder -> audit -> response."""
