package httpapi

import (
	"net/http"
	"testing"
)

// fuzzNever5xx drives one route with body and fails on a 5xx (a panic in a
// handler is a 500 through the recovery middleware).
func fuzzNever5xx(t *testing.T, a *authAPI, method, path, bearer, body string) {
	w := a.call(t, method, path, bearer, body)
	if w.Code >= 500 {
		t.Fatalf("%s %s with %q: %d %s", method, path, body, w.Code, w.Body)
	}
	if w.Code != http.StatusOK && w.Code != http.StatusCreated {
		authError(t, w, w.Code, authBody(t, w)["error"].(map[string]any)["code"].(string))
	}
}

// FuzzLoginDecode feeds random bodies to the real login handler. Seeds are
// in testdata/fuzz/FuzzLoginDecode and run with the normal suite.
func FuzzLoginDecode(f *testing.F) {
	f.Add(`{"email":"owner@example.org","password":"` + authOwnerPassword + `"}`)
	f.Add(`{"email":"owner@example.org","password":"wrong"}`)
	f.Add(`{"email":[],"password":{}}`)
	a := newAuthAPI(f)
	f.Fuzz(func(t *testing.T, body string) {
		fuzzNever5xx(t, a, http.MethodPost, "/api/v1/auth/login", "", body)
	})
}

// FuzzCreateUserDecode feeds random bodies to the real create-user handler
// as the owner. Seeds are in testdata/fuzz/FuzzCreateUserDecode.
func FuzzCreateUserDecode(f *testing.F) {
	f.Add(`{"email":"new@example.org","name":"New","password":"new password 1","roles":["viewer"]}`)
	f.Add(`{"email":"x","name":"","password":"","roles":["root"],"groups":["nope"]}`)
	f.Add(`{"roles":null,"groups":[1]}`)
	a := newAuthAPI(f)
	f.Fuzz(func(t *testing.T, body string) {
		fuzzNever5xx(t, a, http.MethodPost, "/api/v1/auth/users", a.owner, body)
	})
}
