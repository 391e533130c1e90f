package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestAuthUsersCRUD(t *testing.T) {
	a := newAuthAPI(t)
	post := func(body string) map[string]any {
		t.Helper()
		w := a.call(t, http.MethodPost, "/api/v1/auth/users", a.owner, body)
		if w.Code != http.StatusCreated {
			t.Fatalf("create %d %s", w.Code, w.Body)
		}
		return authData(t, w)
	}
	ann := post(`{"email":"Ann@Example.org","name":"Ann","password":"ann password 1","roles":["operator"]}`)
	if ann["email"] != "ann@example.org" || ann["roles"].([]any)[0] != "operator" || ann["disabled"] != false {
		t.Fatalf("created %v", ann)
	}
	annID := ann["id"].(string)
	post(`{"email":"bob@example.org","name":"Bob","password":"bob password 1","roles":["viewer"]}`)
	authError(t, a.call(t, http.MethodPost, "/api/v1/auth/users", a.owner,
		`{"email":"ann@example.org","name":"Twin","password":"ann password 1","roles":[]}`), http.StatusConflict, "user.emailTaken")
	e := authError(t, a.call(t, http.MethodPost, "/api/v1/auth/users", a.owner,
		`{"email":"bad","name":"X","password":"short","roles":["god"]}`), http.StatusBadRequest, "request.invalid")
	issues := e["details"].(map[string]any)["issues"].([]any)
	if len(issues) != 3 || issues[2].(map[string]any)["field"] != "roles[0]" {
		t.Fatalf("issues %v", issues)
	}

	w := a.call(t, http.MethodGet, "/api/v1/auth/users?role=viewer&limit=10", a.owner, "")
	meta, _ := authBody(t, w)["meta"].(map[string]any)
	if w.Code != http.StatusOK || meta["total"] != float64(1) || len(authBody(t, w)["data"].([]any)) != 1 {
		t.Fatalf("list %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/users?limit=0", a.owner, ""), http.StatusBadRequest, "request.invalid")
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/users/nope", a.owner, ""), http.StatusNotFound, "user.notFound")
	if w := a.call(t, http.MethodGet, "/api/v1/auth/users/"+annID, a.owner, ""); w.Code != http.StatusOK || authData(t, w)["id"] != annID {
		t.Fatalf("get %d %s", w.Code, w.Body)
	}

	w = a.call(t, http.MethodPost, "/api/v1/auth/groups", a.owner, `{"name":"Night Shift","description":"after 18:00"}`)
	if w.Code != http.StatusCreated || authData(t, w)["id"] != "night-shift" {
		t.Fatalf("group %d %s", w.Code, w.Body)
	}
	w = a.call(t, http.MethodPatch, "/api/v1/auth/users/"+annID+"/access", a.owner,
		`{"roles":["viewer"],"groups":["night-shift"],"grants":[{"resourceType":"room","resourceId":"r1"}]}`)
	d := authData(t, w)
	if w.Code != http.StatusOK || d["groups"].([]any)[0] != "night-shift" || d["grants"].([]any)[0].(map[string]any)["resourceId"] != "r1" {
		t.Fatalf("access %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodPatch, "/api/v1/auth/users/"+annID+"/access", a.owner, `{"grants":[{"resourceType":"planet","resourceId":"x"}]}`),
		http.StatusBadRequest, "request.invalid")

	annLogin := a.call(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":"ann@example.org","password":"ann password 1"}`)
	annToken := authData(t, annLogin)["token"].(string)
	w = a.call(t, http.MethodPatch, "/api/v1/auth/users/"+annID+"/password", a.owner, `{"password":"ann password 2"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("password %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/me", annToken, ""), http.StatusUnauthorized, "auth.invalidToken")
	annLogin = a.call(t, http.MethodPost, "/api/v1/auth/login", "", `{"email":"ann@example.org","password":"ann password 2"}`)
	annToken = authData(t, annLogin)["token"].(string)

	authError(t, a.call(t, http.MethodPatch, "/api/v1/auth/users/"+annID+"/status", a.owner, `{}`), http.StatusBadRequest, "request.invalid")
	w = a.call(t, http.MethodPatch, "/api/v1/auth/users/"+annID+"/status", a.owner, `{"disabled":true}`)
	if w.Code != http.StatusOK || authData(t, w)["disabled"] != true || authData(t, w)["disabledAt"] == nil {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/me", annToken, ""), http.StatusUnauthorized, "auth.invalidToken")

	me := authData(t, a.call(t, http.MethodGet, "/api/v1/auth/me", a.owner, ""))["user"].(map[string]any)["id"].(string)
	w = a.call(t, http.MethodGet, "/api/v1/auth/users/"+me+"/actions", a.owner, "")
	acts := authData(t, w)
	if w.Code != http.StatusOK || acts["delete"].(map[string]any)["allowed"] != false || acts["view"].(map[string]any)["allowed"] != true {
		t.Fatalf("actions %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodDelete, "/api/v1/auth/users/"+me, a.owner, ""), http.StatusConflict, "user.cannotDeleteSelf")
	authError(t, a.call(t, http.MethodPatch, "/api/v1/auth/users/"+me+"/access", a.owner, `{"roles":["admin"]}`), http.StatusConflict, "user.lastOwner")
	w = a.call(t, http.MethodDelete, "/api/v1/auth/users/"+annID, a.owner, "")
	if w.Code != http.StatusOK || authData(t, w)["deleted"] != true {
		t.Fatalf("delete %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodDelete, "/api/v1/auth/users/"+annID, a.owner, ""), http.StatusNotFound, "user.notFound")
	// Refused writes are audited by the chain with their code; successful
	// ones by the use case.
	got := strings.Join(a.audit.Actions(), " ")
	for _, want := range []string{"auth.users.create.failed:user.emailTaken", "auth.users.delete.failed:user.cannotDeleteSelf",
		"auth.users.create.succeeded", "auth.users.delete.succeeded", "auth.users.status.succeeded"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit lacks %s", want)
		}
	}
}

func TestAuthGroups(t *testing.T) {
	a := newAuthAPI(t)
	for _, want := range []string{"ops", "ops-2"} {
		w := a.call(t, http.MethodPost, "/api/v1/auth/groups", a.owner, `{"name":"Ops"}`)
		if w.Code != http.StatusCreated || authData(t, w)["id"] != want {
			t.Fatalf("create %d %s", w.Code, w.Body)
		}
	}
	me := authData(t, a.call(t, http.MethodGet, "/api/v1/auth/me", a.owner, ""))["user"].(map[string]any)["id"].(string)
	w := a.call(t, http.MethodPut, "/api/v1/auth/groups/ops/members", a.owner, `{"userIds":["`+me+`"]}`)
	if w.Code != http.StatusOK || authData(t, w)["memberCount"] != float64(1) {
		t.Fatalf("members %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodPut, "/api/v1/auth/groups/ops/members", a.owner, `{}`), http.StatusBadRequest, "request.invalid")
	authError(t, a.call(t, http.MethodPut, "/api/v1/auth/groups/ops/members", a.owner, `{"userIds":["ghost"]}`), http.StatusBadRequest, "request.invalid")
	w = a.call(t, http.MethodPatch, "/api/v1/auth/groups/ops", a.owner, `{"name":"Operations"}`)
	if w.Code != http.StatusOK || authData(t, w)["id"] != "ops" || authData(t, w)["name"] != "Operations" {
		t.Fatalf("patch %d %s", w.Code, w.Body)
	}
	w = a.call(t, http.MethodGet, "/api/v1/auth/groups?q=op", a.owner, "")
	if w.Code != http.StatusOK || authBody(t, w)["meta"].(map[string]any)["total"] != float64(2) {
		t.Fatalf("list %d %s", w.Code, w.Body)
	}
	if w := a.call(t, http.MethodDelete, "/api/v1/auth/groups/ops", a.owner, ""); w.Code != http.StatusOK {
		t.Fatalf("delete %d %s", w.Code, w.Body)
	}
	authError(t, a.call(t, http.MethodGet, "/api/v1/auth/groups/ops", a.owner, ""), http.StatusNotFound, "group.notFound")
	if g := authData(t, a.call(t, http.MethodGet, "/api/v1/auth/me", a.owner, ""))["groups"].([]any); len(g) != 0 {
		t.Fatalf("membership survived: %v", g)
	}
}
