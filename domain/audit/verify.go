package audit

import (
	"errors"
	"fmt"
)

// Verification is the result of walking the chain.
type Verification struct {
	// OK is true when every row and the head check out.
	OK bool
	// Checked counts the rows that verified before the first break (all
	// rows when OK).
	Checked int64
	// FirstBrokenID is the id of the first broken row, "" when OK or when
	// the break is a missing row.
	FirstBrokenID string
	// FirstBrokenSeq is the seq of the first broken (or missing) row, 0 when OK.
	FirstBrokenSeq int64
	// Problem says what is wrong, e.g. "hash mismatch" or
	// "sequence gap before seq 12"; "" when OK.
	Problem string
}

// CorruptRowError reports a stored row that cannot even be decoded (a JSON
// column that is not JSON, a time that is not a time). A verifier treats it
// as the first broken row.
type CorruptRowError struct {
	ID      string
	Seq     int64
	Problem string
}

// Error implements error.
func (e *CorruptRowError) Error() string {
	return fmt.Sprintf("audit row %s (seq %d) is corrupt: %s", e.ID, e.Seq, e.Problem)
}

// ErrHeadMissing means the chain head row is gone: nothing can be appended
// and the chain cannot be verified.
var ErrHeadMissing = errors.New("the audit chain head is missing")

// Verifier checks rows one at a time in seq order, so a chain of any length
// is verified in constant memory. Feed it with Check, then call Finish.
type Verifier struct {
	lastSeq  int64
	lastHash string
	lastID   string
	checked  int64
	broken   *Verification
}

// NewVerifier starts at the genesis of the chain.
func NewVerifier() *Verifier { return &Verifier{lastHash: GenesisHash} }

// Check verifies the next row: its seq follows the previous one, its
// previous hash is the previous row's hash and its hash is the hash of its
// canonical form. It returns false at the first broken row, and from then on.
func (v *Verifier) Check(e Event) bool {
	if v.broken != nil {
		return false
	}
	want := v.lastSeq + 1
	switch {
	case e.Seq > want:
		return v.fail(e.ID, e.Seq, fmt.Sprintf("sequence gap before seq %d", e.Seq))
	case e.Seq < want:
		return v.fail(e.ID, e.Seq, fmt.Sprintf("sequence out of order: seq %d where %d was expected", e.Seq, want))
	}
	// The row's own hash first (its seq and prevHash are hashed too), then
	// the link: a row rewritten with a recomputed hash breaks the next link.
	h, err := ComputeHash(e)
	if err != nil {
		return v.fail(e.ID, e.Seq, "row cannot be encoded")
	}
	if h != e.Hash {
		return v.fail(e.ID, e.Seq, "hash mismatch")
	}
	if e.PrevHash != v.lastHash {
		return v.fail(e.ID, e.Seq, fmt.Sprintf("previous hash does not match the hash of seq %d", v.lastSeq))
	}
	v.lastSeq, v.lastHash, v.lastID = e.Seq, e.Hash, e.ID
	v.checked++
	return true
}

// Corrupt records an undecodable row as the first break (if none yet).
func (v *Verifier) Corrupt(c *CorruptRowError) {
	if v.broken == nil {
		v.fail(c.ID, c.Seq, c.Problem)
	}
}

func (v *Verifier) fail(id string, seq int64, problem string) bool {
	v.broken = &Verification{Checked: v.checked, FirstBrokenID: id, FirstBrokenSeq: seq, Problem: problem}
	return false
}

// Finish compares the last checked row with the head and returns the result.
// A deleted last row shows as a head past the last row; rows appended
// outside the chain show as rows past the head.
func (v *Verifier) Finish(h Head) Verification {
	if v.broken != nil {
		return *v.broken
	}
	switch {
	case v.lastSeq < h.Seq:
		v.fail("", v.lastSeq+1, fmt.Sprintf("head points past the last row: head seq %d, last row seq %d", h.Seq, v.lastSeq))
	case v.lastSeq > h.Seq:
		v.fail(v.lastID, v.lastSeq, fmt.Sprintf("row past the head: head seq %d", h.Seq))
	case v.lastHash != h.Hash:
		v.fail(v.lastID, v.lastSeq, "head hash does not match the last row")
	case h.MaxRowSeq > h.Seq:
		v.fail("", h.Seq+1, fmt.Sprintf("rows past the head: head seq %d, highest row seq %d", h.Seq, h.MaxRowSeq))
	default:
		return Verification{OK: true, Checked: v.checked}
	}
	return *v.broken
}

// errStop ends a scan at the first broken row.
var errStop = errors.New("audit: verification stopped")

// VerifyChain verifies the rows that scan yields (in seq order, up to the
// head) against head. scan calls visit for each row and returns visit's
// error; a *CorruptRowError from scan counts as a broken row, any other
// error is returned.
func VerifyChain(head Head, scan func(visit func(Event) error) error) (Verification, error) {
	v := NewVerifier()
	err := scan(func(e Event) error {
		if !v.Check(e) {
			return errStop
		}
		return nil
	})
	var corrupt *CorruptRowError
	switch {
	case err == nil, errors.Is(err, errStop):
	case errors.As(err, &corrupt):
		v.Corrupt(corrupt)
	default:
		return Verification{}, err
	}
	return v.Finish(head), nil
}
