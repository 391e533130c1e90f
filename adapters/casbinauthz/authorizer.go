package casbinauthz

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// RoomRoster is the seam for room roster capabilities (REFERENCE §C step
// 5); nothing implements it yet. When one is set, Decide asks it after the
// role and scope checks failed, unless a deny policy matched or the target
// is global (a collection). The implementation maps capabilities to
// permissions (view → node:read, recording:read, recording:playback,
// schedule:read, health:read; listen → listen:monitor; download →
// recording:download; operate → recording:create, recording:control; book
// → schedule:manage; edit → recording:edit; delete → recording:delete) and
// must refuse node:manage/control, settings, auth, audit, metrics and
// system:admin.
type RoomRoster interface {
	// Authorizes reports whether p holds, directly or through a group, a
	// roster capability admitting perm in one of rooms (the room keys the
	// target resolves to, e.g. "room:r1").
	Authorizes(ctx context.Context, p access.Principal, perm access.Permission, target access.Ref, rooms []string) (bool, error)
}

// Authorizer decides with a Casbin enforcer kept in memory and stores the
// policy it enforces. It is safe for concurrent use: decisions share a
// read lock; committed changes and reloads take the write lock briefly.
type Authorizer struct {
	db      *gormstore.DB
	adapter *gormadapter.Adapter
	log     *slog.Logger

	mu     sync.RWMutex // guards enf (and the rules in it), perms and roster
	enf    *casbin.Enforcer
	perms  *memo // role permission answers of enf, dropped with every change
	roster RoomRoster

	wmu sync.Mutex // orders reloads and after-commit updates

	// version counts the changes of the rules decisions rest on (see
	// Version); digest identifies the loaded rules, so that a periodic
	// reload that finds them unchanged keeps the enforcer and its memo.
	version atomic.Uint64
	digest  uint64
}

// Version implements ports.AuthorizationVersion: it changes whenever a
// decision could change (a committed policy, role, grant or resource
// graph change, a reload that found different rules, a roster change), so
// a decision made at one version may be reused until it moves.
func (a *Authorizer) Version() uint64 { return a.version.Load() }

// New seeds the role permissions (idempotent; several replicas may start
// at once) and loads the whole policy. db must be migrated (00003 makes
// casbin_rule; the adapter never migrates).
func New(ctx context.Context, db *gormstore.DB) (*Authorizer, error) {
	if db == nil || db.Gorm == nil {
		return nil, errors.New("casbinauthz: no database")
	}
	g := db.Gorm.Session(&gorm.Session{NewDB: true})
	gormadapter.TurnOffAutoMigrate(g)
	adapter, err := gormadapter.NewAdapterByDB(g)
	if err != nil {
		return nil, gormstore.Translate(err)
	}
	a := &Authorizer{db: db, adapter: adapter, log: slog.Default()}
	if err := a.seed(ctx); err != nil {
		return nil, err
	}
	if err := a.Reload(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// SetLogger replaces the logger (slog.Default by default).
func (a *Authorizer) SetLogger(l *slog.Logger) {
	if l != nil {
		a.log = l
	}
}

// SetRoomRoster installs the room roster hook (nil removes it).
func (a *Authorizer) SetRoomRoster(r RoomRoster) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.roster = r
	a.version.Add(1)
}

// Reload reads the whole casbin_rule table into a new enforcer and swaps
// it in. Bootstrap calls it periodically, so that changes committed by
// other controller replicas on the same database take effect here too.
func (a *Authorizer) Reload(ctx context.Context) error {
	a.wmu.Lock()
	defer a.wmu.Unlock()
	e, err := buildEnforcer(ctx, a.adapter)
	if err != nil {
		return gormstore.Translate(err)
	}
	d := rulesDigest(e)
	if a.enf != nil && a.digest == 0 {
		// Changed in memory since the last load (wmu keeps apply out): the
		// rules it holds may well be what the table holds.
		a.digest = rulesDigest(a.enf)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.enf != nil && d == a.digest {
		return nil // nothing changed: keep the enforcer, its memo and the version
	}
	a.enf, a.perms, a.digest = e, newMemo(), d
	a.version.Add(1)
	return nil
}

// reloadSoon repairs the enforcer after a failed in-memory update.
func (a *Authorizer) reloadSoon() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.Reload(ctx); err != nil {
		a.log.Error("casbin: reload failed", "error", err)
	}
}

// verdict is what the enforcer said about one request, before the roster.
type verdict struct {
	hasPerm bool // a role grants perm and the token limit admits it
	denied  bool // a deny policy matches the target
	inScope bool // an allow policy or a grant covers the target
	rooms   []string
	roster  RoomRoster
}

// Decide implements ports.Authorizer. Reasons, first match wins:
// unauthenticated (no principal); missing_permission (no role grants perm,
// or the token limit excludes it); access_policy_denied (a deny policy on
// the target or above, even for owner and admin); missing_resource_scope
// (no allow policy, owner/admin allow or grant covers the target). A
// global target (collections) needs only the permission and no deny on
// "*"; lists are filtered per item afterwards.
func (a *Authorizer) Decide(ctx context.Context, p access.Principal, perm access.Permission, target access.Ref) (access.Decision, error) {
	d := access.Decision{Permission: perm, Target: target}
	if p.ID == "" {
		d.Reason = access.ReasonUnauthenticated
		return d, nil
	}
	v, err := a.evaluate(p, perm, target)
	if err != nil {
		return d, errs.Wrap(errs.KindInternal, "auth.decisionFailed", "the access decision could not be made", err)
	}
	switch {
	case v.hasPerm && v.inScope:
		d.Allowed, d.Reason = true, access.ReasonGranted
		return d, nil
	case !v.hasPerm:
		d.Reason = access.ReasonMissingPerm
	case v.denied:
		d.Reason = access.ReasonPolicyDenied
		return d, nil
	default:
		d.Reason = access.ReasonMissingScope
	}
	if v.roster != nil && !v.denied && !target.IsGlobal() {
		ok, err := v.roster.Authorizes(ctx, p, perm, target, v.rooms)
		if err != nil {
			return d, err
		}
		if ok {
			d.Allowed, d.Reason = true, access.ReasonGranted
		}
	}
	return d, nil
}

// evaluate asks the enforcer both questions under the read lock.
func (a *Authorizer) evaluate(p access.Principal, perm access.Permission, target access.Ref) (verdict, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	e := a.enf
	sub, obj := p.Subject(), target.Key()
	v := verdict{roster: a.roster}
	if p.TokenAllows(perm) {
		ok, err := a.perms.get(sub+"\x00"+string(perm), func() (bool, error) { return e.Enforce(sub, string(perm)) })
		if err != nil {
			return v, err
		}
		v.hasPerm = ok
	}
	rosterMayHelp := v.roster != nil && !target.IsGlobal()
	if !v.hasPerm && !rosterMayHelp {
		return v, nil
	}
	ok, matched, err := e.EnforceEx(scopeContext, sub, obj)
	if err != nil {
		return v, err
	}
	// Allow-and-no-deny names the deny rule when one matched.
	v.denied = !ok && len(matched) == 3 && matched[2] == string(access.Deny)
	v.inScope = ok || (target.IsGlobal() && !v.denied)
	if rosterMayHelp && !(v.hasPerm && v.inScope) && !v.denied {
		v.rooms = roomsOf(e, obj)
	}
	return v, nil
}

// roomsOf lists the rooms a resource resolves to through g2 (itself if it
// is a room).
func roomsOf(e *casbin.Enforcer, obj string) []string {
	prefix := string(access.ResourceRoom) + ":"
	isRoom := func(k string) bool { return strings.HasPrefix(k, prefix) && k != prefix+"*" }
	var rooms []string
	if isRoom(obj) {
		rooms = append(rooms, obj)
	}
	ancestors, _ := e.GetNamedImplicitRolesForUser(ptypeParent, obj)
	for _, r := range ancestors {
		if isRoom(r) {
			rooms = append(rooms, r)
		}
	}
	return rooms
}

// EffectivePermissions implements ports.PermissionLister: the union of the
// permissions of the principal's bound roles (as enforced now, not as
// of its login), narrowed by its token limit, in catalog order. It is
// advice for /auth/me; scope is decided per request.
func (a *Authorizer) EffectivePermissions(_ context.Context, p access.Principal) ([]access.Permission, error) {
	out := []access.Permission{}
	if p.ID == "" {
		return out, nil
	}
	a.mu.RLock()
	rows, err := a.enf.GetNamedImplicitPermissionsForUser(ptypeRolePerm, ptypeBinding, p.Subject())
	a.mu.RUnlock()
	if err != nil {
		return nil, errs.Wrap(errs.KindInternal, "auth.decisionFailed", "the permissions could not be listed", err)
	}
	held := map[access.Permission]bool{}
	for _, r := range rows {
		if len(r) >= 2 {
			held[access.Permission(r[1])] = true
		}
	}
	for _, perm := range access.AllPermissions {
		if held[perm] && p.TokenAllows(perm) {
			out = append(out, perm)
		}
	}
	return out, nil
}

// Interface guards.
var (
	_ ports.Authorizer       = (*Authorizer)(nil)
	_ ports.RoleBindings     = (*Authorizer)(nil)
	_ ports.PolicyStore      = (*Authorizer)(nil)
	_ ports.ResourceGraph    = (*Authorizer)(nil)
	_ ports.PermissionLister = (*Authorizer)(nil)
)
