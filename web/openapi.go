package web

import _ "embed"

// openapiYAML is the OpenAPI 3.0.3 description of the routes served here.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPIDocument returns the OpenAPI 3.0.3 document (YAML) of the Auth,
// Management, Providers and operational routes.
func OpenAPIDocument() []byte { return openapiYAML }
