package httpapi

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

var pathParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// OpenAPIPath turns a Gin path into an OpenAPI path ("/users/:id" → "/users/{id}").
func OpenAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

func (s *Server) openAPIRoute() Route {
	return Route{Method: http.MethodGet, Path: "/api/v1/openapi.json", Access: AccessPublic, Tag: "system",
		Summary: "This OpenAPI 3 document", Raw: true,
		Handler: func(c *gin.Context) error {
			c.JSON(http.StatusOK, s.OpenAPI())
			return nil
		}}
}

// OpenAPI builds the OpenAPI 3.0 document from the registered routes.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	schemas := map[string]any{}
	for _, r := range s.Routes() {
		p := OpenAPIPath(r.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		op := map[string]any{
			"summary":     r.Summary,
			"operationId": operationID(r),
			"tags":        []string{r.Tag},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		switch r.Access {
		case AccessPublic:
			op["security"] = []any{}
		case AccessPermission:
			op["x-rakkr-permission"] = string(r.Permission)
		case AccessNode:
			op["x-rakkr-node-route"] = true
			op["x-rakkr-permission"] = string(r.Permission)
		}
		if r.StreamBody {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}}
		} else if r.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaRef(reflect.TypeOf(r.Request), schemas)}}}
		}
		status := r.Status
		if status == 0 {
			status = http.StatusOK
		}
		resp := map[string]any{"description": http.StatusText(status)}
		if r.Response != nil {
			resp["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{
				"type": "object", "required": []string{"data"},
				"properties": map[string]any{"data": schemaRef(reflect.TypeOf(r.Response), schemas)}}}}
		}
		op["responses"] = map[string]any{strconv.Itoa(status): resp, "default": map[string]any{
			"description": "Error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}}
		item[strings.ToLower(r.Method)] = op
	}
	schemas["Error"] = map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
		"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
			"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}, "details": map[string]any{}}}}}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Rakkr controller API", "version": s.opts.Version},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

func operationID(r Route) string {
	if r.Action != "" {
		return r.Action
	}
	clean := strings.NewReplacer("/api/v1/", "", "/", ".", ":", "", "{", "", "}", "").Replace(r.Path)
	return strings.ToLower(r.Method) + "." + strings.Trim(clean, ".")
}

var timeType = reflect.TypeOf(time.Time{})

// schemaRef returns a schema for t, registering named structs in schemas.
func schemaRef(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": schemaRef(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaRef(t.Elem(), schemas)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return structSchema(t, schemas)
		}
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // break cycles
			schemas[name] = structSchema(t, schemas)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			if emb, ok := structSchema(f.Type, schemas)["properties"].(map[string]any); ok {
				for k, v := range emb {
					props[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		prop := schemaRef(f.Type, schemas)
		if f.Type.Kind() == reflect.Pointer {
			if _, isRef := prop["$ref"]; !isRef && !strings.Contains(opts, "omitempty") {
				// A pointer without omitempty is sent as null when unset.
				prop["nullable"] = true
			}
		}
		props[name] = prop
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			required = append(required, name)
		}
	}
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}
