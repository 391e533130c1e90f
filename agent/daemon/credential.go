// Package daemon is the agent's run loop: it reconciles the inventory with
// the controller, heartbeats with runtime facts, watches clock skew and
// system health, fetches the node configuration, runs the meter lanes and
// the meter stream, and syncs the durable health log — reconnecting with
// jittered back-off, and stopping cleanly when its context ends.
package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// CredentialFile is the credential's file name in the data directory.
const CredentialFile = "credential.json"

// Credential is the node credential saved by `rakkr-agent enroll`.
type Credential struct {
	ControllerURL string `json:"controllerUrl"`
	NodeID        string `json:"nodeId"`
	NodeToken     string `json:"nodeToken"`
	Alias         string `json:"alias"`
}

// SaveCredential writes c to <dir>/credential.json with mode 0600,
// atomically. A missing directory is created with mode 0700 (an existing
// one is left as it is).
func SaveCredential(dir string, c Credential) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("credential: %w", err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("credential: %w", err)
		}
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".credential-*")
	if err != nil {
		return fmt.Errorf("credential: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("credential: %w", err)
	}
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, CredentialFile))
	}
	if err != nil {
		return fmt.Errorf("credential: %w", err)
	}
	return nil
}

// ErrNoCredential is returned by LoadCredential when the file is missing.
var ErrNoCredential = errors.New("no node credential: enroll first with rakkr-agent enroll --controller URL --token T")

// LoadCredential reads <dir>/credential.json.
func LoadCredential(dir string) (Credential, error) {
	var c Credential
	b, err := os.ReadFile(filepath.Join(dir, CredentialFile))
	if os.IsNotExist(err) {
		return c, ErrNoCredential
	}
	if err != nil {
		return c, fmt.Errorf("credential: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("credential %s: %w", filepath.Join(dir, CredentialFile), err)
	}
	if c.NodeID == "" || c.NodeToken == "" || c.ControllerURL == "" {
		return c, fmt.Errorf("credential %s is incomplete: enroll again", filepath.Join(dir, CredentialFile))
	}
	return c, nil
}
