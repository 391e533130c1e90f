package controller

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/bootstrap/settings"
)

// TestRefusesToStartWithoutSecretKeyOutsideDevMode: stored credentials are
// sealed with RAKKR_SECRET_KEY, so production refuses to run without one.
func TestRefusesToStartWithoutSecretKeyOutsideDevMode(t *testing.T) {
	t.Setenv("RAKKR_DATA_DIR", t.TempDir())
	t.Setenv("RAKKR_DEV", "false")
	t.Setenv("RAKKR_SECRET_KEY", "")
	v, err := settings.Parse(settings.ControllerSettings, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), v, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "RAKKR_SECRET_KEY is required") {
		t.Fatalf("started without a secret key: %v", err)
	}
	t.Setenv("RAKKR_SECRET_KEY", "not-a-key")
	v, _ = settings.Parse(settings.ControllerSettings, nil, "test")
	if _, err = New(context.Background(), v, slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Fatal("started with a malformed secret key")
	}
}

// TestServesHTTPSWithTheConfiguredCertificate runs `rakkr serve` in process
// with RAKKR_TLS_CERT/KEY and checks the certificate, TLS floor and HSTS.
func TestServesHTTPSWithTheConfiguredCertificate(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath := writeSelfSigned(t, dir)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--listen", addr, "--data-dir", dir, "--dev", "--tls-cert", certPath, "--tls-key", keyPath,
			"--admin-password", "tls-owner-password", "--log-level", "error"}, &lockedBuffer{b: &out}, io.Discard)
	}()
	defer func() {
		cancel()
		<-done
	}()
	pool := x509.NewCertPool()
	pem, _ := os.ReadFile(certPath)
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS13}}}
	var resp *http.Response
	var err error
	for i := 0; i < 100; i++ {
		if resp, err = client.Get("https://" + addr + "/healthz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("https healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("https answer: %d tls=%v hsts=%q", resp.StatusCode, resp.TLS != nil, resp.Header.Get("Strict-Transport-Security"))
	}
	old := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if _, err := old.Get("https://" + addr + "/healthz"); err == nil {
		t.Fatal("TLS 1.1 accepted")
	}
}

type lockedBuffer struct{ b *bytes.Buffer }

func (l *lockedBuffer) Write(p []byte) (int, error) { return len(p), nil }

func writeSelfSigned(t *testing.T, dir string) (string, string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certPath, keyPath := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certPath, keyPath
}
