package access

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
)

// memStore is a PolicyStore whose writes a fakeTx undoes on rollback.
type memStore struct {
	policies []access.Policy
	fail     error
}

func (m *memStore) Policies(context.Context) ([]access.Policy, error) {
	return slices.Clone(m.policies), nil
}

func (m *memStore) ReplacePolicies(_ context.Context, ps []access.Policy) error {
	if m.fail != nil {
		return m.fail
	}
	m.policies = slices.Clone(ps)
	return nil
}

// fakeTx runs fn and restores the store and the audit rows when it fails.
type fakeTx struct {
	store *memStore
	audit *memAudit
}

func (t fakeTx) InTx(ctx context.Context, fn func(context.Context) error) error {
	saved, rows := slices.Clone(t.store.policies), len(t.audit.rows)
	if err := fn(ctx); err != nil {
		t.store.policies, t.audit.rows = saved, t.audit.rows[:rows]
		return err
	}
	return nil
}

type memAudit struct {
	rows []audit.Event
	fail error
}

func (a *memAudit) Record(_ context.Context, e audit.Event) error {
	if a.fail != nil {
		return a.fail
	}
	a.rows = append(a.rows, e)
	return nil
}

func newService(t *testing.T) (*Service, *memStore, *memAudit) {
	t.Helper()
	st, au := &memStore{}, &memAudit{}
	s, err := NewService(fakeTx{store: st, audit: au}, st, au)
	if err != nil {
		t.Fatal(err)
	}
	return s, st, au
}

func room(id string) access.Ref { return access.Ref{Type: access.ResourceRoom, ID: id} }

// fields lists the field names of an invalid-request error.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		t.Fatalf("got %v, want an invalid-request error", err)
	}
	var out []string
	for _, is := range e.Details.(map[string]any)["issues"].([]errs.FieldIssue) {
		out = append(out, is.Field)
	}
	return out
}

func TestReplacePoliciesNamesInvalidFields(t *testing.T) {
	s, st, au := newService(t)
	ok := access.Policy{Effect: access.Allow, SubjectType: access.SubjectEveryone, Resource: room("r1")}
	cases := []struct {
		name   string
		in     []access.Policy
		fields []string
	}{
		{"effect", []access.Policy{ok, ok, {Effect: "maybe", SubjectType: access.SubjectUser, SubjectID: "u1", Resource: room("r2")}}, []string{"policies[1]", "policies[2].effect"}},
		{"subject", []access.Policy{{Effect: access.Deny, SubjectType: access.SubjectGroup, Resource: room("r1")}, {Effect: access.Deny, SubjectType: "robot", Resource: room("r1")}},
			[]string{"policies[0].subjectId", "policies[1].subjectType"}},
		{"resource", []access.Policy{{Effect: access.Allow, SubjectType: access.SubjectEveryone, Resource: access.Ref{Type: "planet", ID: "x"}},
			{Effect: access.Allow, SubjectType: access.SubjectEveryone, Resource: access.Ref{Type: access.ResourceNode, ID: "a b"}}},
			[]string{"policies[0].resourceType", "policies[1].resourceId"}},
		{"reason", []access.Policy{{Effect: access.Allow, SubjectType: access.SubjectEveryone, Resource: room("r1"), Reason: strings.Repeat("x", 501)}}, []string{"policies[0].reason"}},
		{"too many", slices.Repeat([]access.Policy{ok}, MaxPolicies+1), []string{"policies"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ReplacePolicies(context.Background(), tc.in)
			if got := fields(t, err); !slices.Equal(got, tc.fields) {
				t.Errorf("fields = %v, want %v", got, tc.fields)
			}
		})
	}
	if len(st.policies) != 0 || len(au.rows) != 0 {
		t.Errorf("invalid input changed the store (%v) or audited (%d rows)", st.policies, len(au.rows))
	}
}

func TestReplacePoliciesAuditsBeforeAndAfter(t *testing.T) {
	s, st, au := newService(t)
	ctx := context.Background()
	first := []access.Policy{{Effect: access.Deny, SubjectType: access.SubjectEveryone, SubjectID: "ignored", Resource: room("vault"), Reason: "legal hold"}}
	got, err := s.ReplacePolicies(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	want := []access.Policy{{Effect: access.Deny, SubjectType: access.SubjectEveryone, Resource: room("vault"), Reason: "legal hold"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReplacePolicies = %+v, want %+v (everyone has no id)", got, want)
	}
	second := []access.Policy{{Effect: access.Allow, SubjectType: access.SubjectGroup, SubjectID: "eng", Resource: access.Ref{}}}
	if _, err := s.ReplacePolicies(ctx, second); err != nil {
		t.Fatal(err)
	}
	if len(au.rows) != 2 {
		t.Fatalf("audit rows = %d, want 2", len(au.rows))
	}
	e := au.rows[1]
	if e.Action != ActionReplace || e.Outcome != audit.Succeeded || e.Permission != "auth:manage" || e.Target.Type != "access_policy" {
		t.Errorf("audit row = %+v", e)
	}
	before, after := e.Before.([]map[string]any), e.After.([]map[string]any)
	if len(before) != 1 || before[0]["resourceId"] != "vault" || before[0]["reason"] != "legal hold" {
		t.Errorf("before = %v", before)
	}
	if len(after) != 1 || after[0]["subjectId"] != "eng" || after[0]["resourceType"] != "*" {
		t.Errorf("after = %v (global resource normalized to *)", after)
	}
	list, err := s.ListPolicies(ctx)
	if err != nil || len(list) != 1 || list[0].Resource != access.Global || list[0] != st.policies[0] {
		t.Errorf("ListPolicies = %+v, %v", list, err)
	}
}

func TestReplacePoliciesRollsBackWithoutAudit(t *testing.T) {
	s, st, au := newService(t)
	ctx := context.Background()
	keep := []access.Policy{{Effect: access.Allow, SubjectType: access.SubjectUser, SubjectID: "u1", Resource: room("r1")}}
	if _, err := s.ReplacePolicies(ctx, keep); err != nil {
		t.Fatal(err)
	}
	au.fail = errs.Unavailable(errors.New("audit down"))
	if _, err := s.ReplacePolicies(ctx, nil); errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("got %v, want the audit failure", err)
	}
	if !reflect.DeepEqual(st.policies, keep) {
		t.Errorf("a change without its audit row was kept: %+v", st.policies)
	}
	au.fail, st.fail = nil, errs.Unavailable(errors.New("db down"))
	if _, err := s.ReplacePolicies(ctx, nil); errs.KindOf(err) != errs.KindUnavailable || len(au.rows) != 1 {
		t.Errorf("store failure: err %v, audit rows %d", err, len(au.rows))
	}
}

func TestCatalogMatchesDomain(t *testing.T) {
	s, _, _ := newService(t)
	c := s.Catalog()
	if !slices.Equal(c.Permissions, access.AllPermissions) || len(c.Permissions) != 24 {
		t.Errorf("permissions = %v", c.Permissions)
	}
	if len(c.Roles) != 5 || c.Roles[0].Role != access.RoleOwner {
		t.Fatalf("roles = %+v", c.Roles)
	}
	for _, r := range c.Roles {
		if !slices.Equal(r.Permissions, r.Role.Permissions()) {
			t.Errorf("%s: %v", r.Role, r.Permissions)
		}
	}
	if slices.Contains(c.Roles[1].Permissions, access.SystemAdmin) {
		t.Error("admin holds system:admin")
	}
	if _, err := NewService(nil, nil, nil); err == nil {
		t.Error("NewService accepted missing ports")
	}
}
