// Package ports declares the interfaces the application and agent layers need
// from the outside world. Each is small and documented where declared.
package ports

import (
	"context"
	"time"
)

// Transactor runs work atomically. Stores called with the context passed to
// fn take part in the same database transaction, so a write and its audit row
// commit or roll back together.
type Transactor interface {
	// InTx runs fn in one transaction; an error from fn rolls it back.
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time; tests pass a fixed or stepping clock.
type Clock interface {
	// Now returns the current time in UTC.
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }
