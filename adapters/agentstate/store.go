// Package agentstate is the agent's durable job state (ports.AgentJobState)
// in a bbolt file, <data dir>/state.db. The file carries a schema version in
// its meta bucket: Open upgrades older files in place and refuses newer ones
// (written by a newer agent) rather than misreading them.
package agentstate

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/rakkr/rakkr/ports"
)

// FileName is the state file's name in the agent's data directory.
const FileName = "state.db"

// SchemaVersion is the layout this build writes.
const SchemaVersion = 1

// ErrNewerSchema is returned by Open for a file written by a newer agent.
var ErrNewerSchema = errors.New("agent state file has a newer schema than this agent understands")

var (
	bucketMeta = []byte("meta")
	bucketJobs = []byte("jobs")
	keySchema  = []byte("schemaVersion")
)

// Store is a bbolt-backed ports.AgentJobState. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

var _ ports.AgentJobState = (*Store)(nil)

// Open opens (creating or upgrading) the state file in dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("agent state: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("agent state %s is locked by another process (is another rakkr-agent running?)", path)
		}
		return nil, fmt.Errorf("agent state %s: %w", path, err)
	}
	if err := db.Update(upgrade); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("agent state %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Path returns the state file's path.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Version reads the schema version of an open store.
func (s *Store) Version() (int, error) {
	var v int
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		v, err = readVersion(tx)
		return err
	})
	return v, err
}

// readVersion returns the stored schema version (0 without a meta bucket).
func readVersion(tx *bolt.Tx) (int, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	raw := b.Get(keySchema)
	if raw == nil {
		return 0, nil
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("unreadable schema version %q", raw)
	}
	return v, nil
}

// upgrade brings the file to SchemaVersion. Version 0 is an empty file or
// one written before the meta bucket existed (a jobs bucket of records).
func upgrade(tx *bolt.Tx) error {
	v, err := readVersion(tx)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w (file: version %d, agent: version %d); upgrade the agent or move the file away", ErrNewerSchema, v, SchemaVersion)
	}
	if v == SchemaVersion {
		return nil
	}
	// 0 → 1: create the buckets; version-0 job records are the same JSON.
	if _, err := tx.CreateBucketIfNotExists(bucketJobs); err != nil {
		return err
	}
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	return meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion)))
}

// PutJob implements ports.AgentJobState.
func (s *Store) PutJob(j ports.AgentJob) error {
	if j.Job.ID == "" {
		return errors.New("agent state: a job needs an id")
	}
	if j.UpdatedAt.IsZero() {
		j.UpdatedAt = time.Now().UTC()
	}
	raw, err := json.Marshal(fromPortJob(j))
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).Put([]byte(j.Job.ID), raw)
	})
}

// GetJob implements ports.AgentJobState.
func (s *Store) GetJob(id string) (ports.AgentJob, bool, error) {
	var (
		out ports.AgentJob
		ok  bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketJobs).Get([]byte(id))
		if raw == nil {
			return nil
		}
		j, err := decode(raw)
		out, ok = j, err == nil
		return err
	})
	return out, ok, err
}

// ListJobs implements ports.AgentJobState.
func (s *Store) ListJobs() ([]ports.AgentJob, error) {
	var out []ports.AgentJob
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).ForEach(func(k, raw []byte) error {
			j, err := decode(raw)
			if err != nil {
				return fmt.Errorf("job %s: %w", k, err)
			}
			out = append(out, j)
			return nil
		})
	})
	return out, err
}

// DeleteJob implements ports.AgentJobState.
func (s *Store) DeleteJob(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJobs).Delete([]byte(id))
	})
}

// decode reads one job record.
func decode(raw []byte) (ports.AgentJob, error) {
	var r jobRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return ports.AgentJob{}, fmt.Errorf("unreadable job record: %w", err)
	}
	return toPortJob(r), nil
}
