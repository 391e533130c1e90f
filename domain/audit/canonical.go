package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rakkr/rakkr/domain/errs"
)

// GenesisHash is the previous hash of the first row of the chain.
var GenesisHash = strings.Repeat("0", 64)

// TimePrecision is the precision of stored times. Both databases keep
// microseconds, so times are truncated to it before hashing and storing and
// read back exactly.
const TimePrecision = time.Microsecond

// Head is the end of the chain: the seq and hash of the last appended row.
// MaxRowSeq is the highest seq actually stored, read in the same statement,
// so a verifier can tell a deleted last row or rows past the head.
type Head struct {
	Seq       int64
	Hash      string
	MaxRowSeq int64
}

// Genesis is the head of an empty chain.
func Genesis() Head { return Head{Hash: GenesisHash} }

// Normalize puts e in the form that is stored and hashed: UTC time truncated
// to microseconds; Before, After and Details passed through JSON (numbers
// kept exactly as json.Number); empty maps and roles instead of nil; strings
// made valid UTF-8 without NUL bytes (Postgres text refuses both). It fails
// when a value cannot be encoded as JSON. Normalize is idempotent.
func Normalize(e Event) (Event, error) {
	e.CreatedAt = e.CreatedAt.UTC().Truncate(TimePrecision)
	var err error
	if e.Before, err = normalizeValue(e.Before); err != nil {
		return e, errs.Wrap(errs.KindInternal, "audit.unencodable", "the audit before value cannot be encoded", err)
	}
	if e.After, err = normalizeValue(e.After); err != nil {
		return e, errs.Wrap(errs.KindInternal, "audit.unencodable", "the audit after value cannot be encoded", err)
	}
	details := map[string]any{}
	if e.Details != nil {
		v, err := normalizeValue(e.Details)
		if err != nil {
			return e, errs.Wrap(errs.KindInternal, "audit.unencodable", "the audit details cannot be encoded", err)
		}
		details, _ = v.(map[string]any)
	}
	e.Details = details
	ids := make(map[string]string, len(e.CorrelationIDs))
	for k, v := range e.CorrelationIDs {
		ids[clean(k)] = clean(v)
	}
	e.CorrelationIDs = ids
	roles := make([]string, 0, len(e.Actor.Roles))
	for _, r := range e.Actor.Roles {
		roles = append(roles, clean(r))
	}
	e.Actor.Roles = roles
	for _, p := range []*string{&e.ID, &e.Action, &e.Permission, &e.Reason, &e.PrevHash, &e.Hash,
		&e.Actor.ID, &e.Actor.Name, &e.ActorContext.IPAddress, &e.ActorContext.SessionID, &e.ActorContext.UserAgent,
		&e.Target.Type, &e.Target.ID, &e.Target.Name} {
		*p = clean(*p)
	}
	e.Outcome = Outcome(clean(string(e.Outcome)))
	e.Actor.Type = ActorType(clean(string(e.Actor.Type)))
	return e, nil
}

// clean makes s valid UTF-8 without NUL bytes.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// normalizeValue passes v through JSON, decoding numbers as json.Number.
// A nil value (or one that encodes as null) stays nil.
func normalizeValue(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return DecodeJSON(raw)
}

// DecodeJSON decodes one JSON value keeping numbers exact (json.Number). It
// is how stored JSON columns are read back before hashing.
func DecodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data after the JSON value")
	}
	return out, nil
}

// EncodeJSON encodes a (normalized) value deterministically: object keys
// sorted, no HTML escaping, no trailing newline (see jsonenc.go).
func EncodeJSON(v any) ([]byte, error) {
	return appendJSON(make([]byte, 0, 128), v)
}

// FormatTime is the canonical form of a time: UTC, RFC 3339 with up to
// microsecond digits.
func FormatTime(t time.Time) string {
	return t.UTC().Truncate(TimePrecision).Format(time.RFC3339Nano)
}

// Canonical returns the canonical JSON of e without its hash: every field
// (seq and prevHash included) under a fixed key, keys sorted, the time in
// FormatTime form and JSON values as stored. It hashes exactly what a
// reader of the stored row sees, so e must be read back as stored (do not
// Normalize a row before verifying it).
func Canonical(e Event) ([]byte, error) {
	b := make([]byte, 0, 1024)
	str := func(key, v string) {
		b = appendJSONString(append(b, key...), v)
	}
	var err error
	val := func(key string, v any) {
		if err == nil {
			b, err = appendJSON(append(b, key...), v)
		}
	}
	// Keys in bytewise order, as encoding/json would sort them.
	str(`{"action":`, e.Action)
	str(`,"actor":{"id":`, e.Actor.ID)
	str(`,"name":`, e.Actor.Name)
	val(`,"roles":`, e.Actor.Roles)
	str(`,"type":`, string(e.Actor.Type))
	str(`},"actorContext":{"ipAddress":`, e.ActorContext.IPAddress)
	str(`,"sessionId":`, e.ActorContext.SessionID)
	str(`,"userAgent":`, e.ActorContext.UserAgent)
	b = append(b, '}')
	val(`,"after":`, e.After)
	val(`,"before":`, e.Before)
	val(`,"correlationIds":`, e.CorrelationIDs)
	str(`,"createdAt":`, FormatTime(e.CreatedAt))
	val(`,"details":`, e.Details)
	str(`,"id":`, e.ID)
	str(`,"outcome":`, string(e.Outcome))
	str(`,"permission":`, e.Permission)
	str(`,"prevHash":`, e.PrevHash)
	str(`,"reason":`, e.Reason)
	b = strconv.AppendInt(append(b, `,"seq":`...), e.Seq, 10)
	str(`,"target":{"id":`, e.Target.ID)
	str(`,"name":`, e.Target.Name)
	str(`,"type":`, e.Target.Type)
	b = append(b, "}}"...)
	return b, err
}

// ComputeHash returns hex(SHA-256(prevHash ‖ Canonical(e))) with e.PrevHash
// as the previous hash.
func ComputeHash(e Event) (string, error) {
	c, err := Canonical(e)
	if err != nil {
		return "", errs.Wrap(errs.KindInternal, "audit.unencodable", "the audit event cannot be encoded", err)
	}
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write(c)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Seal validates and normalizes e and links it after head: it gets the next
// seq, head's hash as its previous hash, and its own hash. The result is
// what must be stored, field for field.
func Seal(e Event, head Head) (Event, error) {
	var is errs.Issues
	if strings.TrimSpace(e.ID) == "" {
		is.Add("id", "is required")
	}
	if e.CreatedAt.IsZero() {
		is.Add("createdAt", "is required")
	}
	if strings.TrimSpace(e.Action) == "" || len(e.Action) > 200 {
		is.Add("action", "must be 1-200 characters")
	}
	if !e.Outcome.Valid() {
		is.Add("outcome", "must be allowed, denied, succeeded, failed or partial")
	}
	if err := is.Err(); err != nil {
		return e, errs.Wrap(errs.KindInternal, "audit.invalidEvent", "the audit event is incomplete", err)
	}
	e, err := Normalize(e)
	if err != nil {
		return e, err
	}
	e.Seq = head.Seq + 1
	e.PrevHash = head.Hash
	if e.Hash, err = ComputeHash(e); err != nil {
		return e, err
	}
	return e, nil
}
