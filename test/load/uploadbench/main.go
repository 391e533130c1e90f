// Command uploadbench times the upload of one large chunk file to a real
// controller's recording cache through the agent's own client
// (adapters/agentclient: OpenUpload + PutUpload), the way a capturing agent
// uploads a rendered chunk. It logs in, creates an enrollment
// (POST /api/v1/nodes/enroll), enrolls a node with one 2-channel interface
// (the agent enroll route), heartbeats it, starts a raw-wav recording on it
// (POST /api/v1/recordings), claims the job with the node credential and
// uploads --file (a 24-bit stereo 48 kHz PCM WAV; --make writes one of
// --bytes first). The upload is timed from OpenUpload until the PUT answers
// complete, so it includes the controller's SHA-256 check, its decode of
// every frame (frame count and waveform) and the store.
//
// --split runs a second upload of the same file (chunk index 1) as two PUTs:
// every byte but the last, then the last byte, so the transfer (body read +
// write + fsync every 8 MiB) and the finishing work (checksum, decode,
// store) are timed apart. --pid samples the controller's utime+stime from
// /proc/<pid>/stat around each phase.
//
//	go run ./test/load/uploadbench --url http://127.0.0.1:8080 --email a@b --password p --file /tmp/x.wav --make --pid 1234
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/adapters/audiofile"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports/agentapi"
)

const (
	rate     = 48000
	channels = 2
	depth    = 3 // bytes per sample (24-bit)
	header   = 44
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "uploadbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("uploadbench", flag.ContinueOnError)
	base := fs.String("url", "", "controller base URL (loopback)")
	email := fs.String("email", "", "admin email")
	password := fs.String("password", "", "admin password")
	file := fs.String("file", "", "the WAV chunk file to upload (24-bit stereo 48 kHz PCM)")
	mk := fs.Bool("make", false, "write --file first (a 440 Hz sine, --bytes long)")
	size := fs.Int64("bytes", 1<<30, "file size for --make (rounded down to whole frames)")
	pid := fs.Int("pid", 0, "controller pid (for its CPU time from /proc/<pid>/stat)")
	split := fs.Bool("split", false, "also time transfer and finishing apart (a second upload, chunk index 1)")
	local := fs.Bool("local", true, "also time the controller's finishing work (SHA-256, decode) in this process")
	doSync := fs.Bool("sync", true, "sync(2) before each timed phase, so that no earlier dirty pages are written back during it")
	timeout := fs.Duration("timeout", 15*time.Minute, "overall bound")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" || *file == "" {
		return errors.New("--url and --file are required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	if *mk {
		t := time.Now()
		if err := writeWAV(*file, *size); err != nil {
			return err
		}
		fmt.Printf("wrote %s in %v\n", *file, time.Since(t).Round(time.Millisecond))
	}
	frames, err := checkWAV(*file)
	if err != nil {
		return err
	}
	st, err := os.Stat(*file)
	if err != nil {
		return err
	}
	t := time.Now()
	sum, err := sha256File(*file)
	if err != nil {
		return err
	}
	hashTime := time.Since(t)
	fmt.Printf("file: %d bytes, %d frames (%.1f min of 24-bit stereo 48 kHz); sha256 here %v (%.0f MB/s)\n",
		st.Size(), frames, float64(frames)/rate/60, hashTime.Round(time.Millisecond), mbps(st.Size(), hashTime))
	if *local {
		// What the controller does after the last byte, in this process:
		// the SHA-256 above, then a decode of every frame into waveform bins.
		t := time.Now()
		n, err := inspect(*file, frames)
		if err != nil {
			return err
		}
		d := time.Since(t)
		fmt.Printf("RESULT local decode + waveform (as the controller's inspect): %d frames in %.2f s = %.0f MB/s\n",
			n, d.Seconds(), mbps(st.Size(), d))
	}

	nodeID, nodeToken, ifaceID, session, err := setup(ctx, *base, *email, *password)
	if err != nil {
		return err
	}
	node, err := agentclient.New(agentclient.Options{ControllerURL: *base, NodeID: nodeID, NodeToken: nodeToken, AgentVersion: "uploadbench"})
	if err != nil {
		return err
	}
	var rec struct {
		Recording struct{ ID, Status string } `json:"recording"`
	}
	if err := call(ctx, *base, "/api/v1/recordings", session, map[string]any{"nodeId": nodeID, "interfaceId": ifaceID,
		"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": "raw-wav", "name": "upload bench"}, &rec); err != nil {
		return fmt.Errorf("start recording: %w", err)
	}
	job, err := node.ClaimJob(ctx)
	if err != nil || job == nil || job.RecordingID != rec.Recording.ID {
		return fmt.Errorf("claim: job %+v, %v", job, err)
	}
	if _, err := node.JobHeartbeat(ctx, job.ID, agentapi.JobHeartbeat{CapturedFrames: frames, SampleRate: rate}); err != nil {
		return fmt.Errorf("job heartbeat: %w", err)
	}
	fmt.Printf("recording %s, job %s (node %s)\n", rec.Recording.ID, job.ID, nodeID)

	req := agentapi.UploadRequest{RecordingID: rec.Recording.ID, JobID: job.ID, Index: 0, Frames: frames, SampleRate: rate,
		Channels: channels, Codec: "wav", SizeBytes: st.Size(), SHA256: sum}
	if *doSync {
		syscall.Sync()
	}
	c0 := cpu(*pid)
	t0 := time.Now()
	up, err := node.OpenUpload(ctx, req)
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	done, err := put(ctx, node, up.UploadID, *file, 0, st.Size())
	if err != nil {
		return err
	}
	el := time.Since(t0)
	c1 := cpu(*pid)
	if !done.Complete || done.ChunkID == "" {
		return fmt.Errorf("upload not complete: %+v", done)
	}
	fmt.Printf("RESULT upload (open → complete, one PUT): %d bytes in %.2f s = %.0f MB/s; controller CPU %s\n",
		st.Size(), el.Seconds(), mbps(st.Size(), el), cpuText(*pid, c0, c1, el))

	if *split {
		req.Index, req.OffsetFrames = 1, frames
		if *doSync {
			syscall.Sync()
		}
		c0 = cpu(*pid)
		t0 = time.Now()
		up, err := node.OpenUpload(ctx, req)
		if err != nil {
			return fmt.Errorf("open upload 2: %w", err)
		}
		part, err := put(ctx, node, up.UploadID, *file, 0, st.Size()-1)
		if err != nil {
			return err
		}
		t1, c1 := time.Now(), cpu(*pid)
		last, err := put(ctx, node, up.UploadID, *file, part.ReceivedBytes, 1)
		if err != nil {
			return err
		}
		t2, c2 := time.Now(), cpu(*pid)
		if !last.Complete {
			return fmt.Errorf("split upload not complete: %+v", last)
		}
		fmt.Printf("RESULT split transfer (open + PUT of all but the last byte): %.2f s = %.0f MB/s; controller CPU %s\n",
			t1.Sub(t0).Seconds(), mbps(st.Size()-1, t1.Sub(t0)), cpuText(*pid, c0, c1, t1.Sub(t0)))
		fmt.Printf("RESULT split finish (PUT of the last byte: checksum, decode, store): %.2f s; controller CPU %s\n",
			t2.Sub(t1).Seconds(), cpuText(*pid, c1, c2, t2.Sub(t1)))
	}

	var view struct {
		Status     string `json:"status"`
		ChunkTotal int    `json:"chunkTotal"`
		SizeBytes  int64  `json:"sizeBytes"`
		Chunks     []struct {
			Index     int   `json:"index"`
			SizeBytes int64 `json:"sizeBytes"`
		} `json:"chunks"`
	}
	if err := call(ctx, *base, "/api/v1/recordings/"+rec.Recording.ID, session, nil, &view); err != nil {
		return fmt.Errorf("get recording: %w", err)
	}
	fmt.Printf("controller's recording: status=%s chunks=%d sizeBytes=%d\n", view.Status, len(view.Chunks), view.SizeBytes)
	return nil
}

// put sends length bytes of file from offset in one PUT.
func put(ctx context.Context, node *agentclient.Client, id, file string, offset, length int64) (agentapi.UploadStatus, error) {
	f, err := os.Open(file)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return agentapi.UploadStatus{}, err
	}
	st, err := node.PutUpload(ctx, id, offset, f, length)
	if err != nil {
		return st, fmt.Errorf("put %d+%d: %w", offset, length, err)
	}
	return st, nil
}

// setup enrolls one node with a 2-channel interface and returns its
// credential, the interface id and the console session.
func setup(ctx context.Context, base, email, password string) (nodeID, nodeToken, ifaceID, session string, err error) {
	var login struct{ Token string }
	if err = call(ctx, base, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &login); err != nil {
		return "", "", "", "", fmt.Errorf("login: %w", err)
	}
	session = login.Token
	var boot struct {
		BootstrapToken string `json:"bootstrapToken"`
	}
	if err = call(ctx, base, "/api/v1/nodes/enroll", session, map[string]string{"alias": "upload-bench", "site": "load"}, &boot); err != nil {
		return "", "", "", "", fmt.Errorf("nodes/enroll: %w", err)
	}
	anon, err := agentclient.New(agentclient.Options{ControllerURL: base, AgentVersion: "uploadbench"})
	if err != nil {
		return "", "", "", "", err
	}
	iface := agentapi.Interface{SystemRef: "bench:if0", SystemName: "bench-if0", Backend: "file", ChannelCount: channels,
		SampleRates: []int{rate}}
	for i := 1; i <= channels; i++ {
		iface.Channels = append(iface.Channels, agentapi.Channel{Index: i, Label: agentapi.ChannelLabel(i)})
	}
	rt := agentapi.Runtime{AgentVersion: "uploadbench", Hostname: "upload-bench", OSName: "linux", Architecture: "amd64",
		IPAddresses: []string{"127.0.0.1"}, AudioBackends: []string{"file"}, CPUCores: 2}
	en, err := anon.Enroll(ctx, boot.BootstrapToken, agentapi.EnrollRequest{Runtime: rt,
		Inventory: agentapi.Inventory{Interfaces: []agentapi.Interface{iface}}})
	if err != nil {
		return "", "", "", "", fmt.Errorf("agent enroll: %w", err)
	}
	node, err := agentclient.New(agentclient.Options{ControllerURL: base, NodeID: en.NodeID, NodeToken: en.NodeToken, AgentVersion: "uploadbench"})
	if err != nil {
		return "", "", "", "", err
	}
	inv, err := node.PostInventory(ctx, agentapi.Inventory{Interfaces: []agentapi.Interface{iface}})
	if err != nil || len(inv.Interfaces) != 1 {
		return "", "", "", "", fmt.Errorf("inventory: %+v %v", inv, err)
	}
	if _, err := node.Heartbeat(ctx, agentapi.Heartbeat{Runtime: rt, SentAt: time.Now()}); err != nil {
		return "", "", "", "", fmt.Errorf("heartbeat: %w", err)
	}
	return en.NodeID, en.NodeToken, inv.Interfaces[0].ID, session, nil
}

// call POSTs in (GET when nil) and decodes the {"data": …} answer into out.
func call(ctx context.Context, base, path, bearer string, in, out any) error {
	method, body := http.MethodGet, io.Reader(nil)
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		method, body = http.MethodPost, bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(raw, &env); err != nil {
		return err
	}
	return json.Unmarshal(env.Data, out)
}

// writeWAV writes a 24-bit stereo 48 kHz PCM WAV of at most size bytes: a
// 440 Hz sine at -6 dBFS (left) and 660 Hz (right); one second repeats
// exactly.
func writeWAV(path string, size int64) error {
	frames := (size - header) / (channels * depth)
	data := frames * channels * depth
	if frames < 1 || data+36 > math.MaxUint32 {
		return fmt.Errorf("--bytes %d: want a plain RIFF WAV (< 4 GiB)", size)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	h := make([]byte, header)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+data))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], channels)
	binary.LittleEndian.PutUint32(h[24:], rate)
	binary.LittleEndian.PutUint32(h[28:], rate*channels*depth)
	binary.LittleEndian.PutUint16(h[32:], channels*depth)
	binary.LittleEndian.PutUint16(h[34:], depth*8)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(data))
	_, _ = w.Write(h)
	sec := make([]byte, rate*channels*depth)
	for i := range rate {
		for c, hz := range []float64{440, 660} {
			v := int32(math.Round(0.5 * math.Sin(2*math.Pi*hz*float64(i)/rate) * (1<<23 - 1)))
			o := (i*channels + c) * depth
			sec[o], sec[o+1], sec[o+2] = byte(v), byte(v>>8), byte(v>>16)
		}
	}
	for left := data; left > 0; {
		n := min(left, int64(len(sec)))
		if _, err := w.Write(sec[:n]); err != nil {
			f.Close()
			return err
		}
		left -= n
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkWAV reads the header written by writeWAV and returns the frames.
func checkWAV(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := make([]byte, header)
	if _, err := io.ReadFull(f, h); err != nil {
		return 0, err
	}
	if string(h[0:4]) != "RIFF" || string(h[36:40]) != "data" || binary.LittleEndian.Uint16(h[22:]) != channels ||
		binary.LittleEndian.Uint32(h[24:]) != rate || binary.LittleEndian.Uint16(h[34:]) != depth*8 {
		return 0, fmt.Errorf("%s: want a plain 24-bit stereo 48 kHz PCM WAV (as --make writes)", path)
	}
	return int64(binary.LittleEndian.Uint32(h[40:])) / (channels * depth), nil
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func mbps(n int64, d time.Duration) float64 { return float64(n) / 1e6 / d.Seconds() }

// cpu is the process's utime and stime in clock ticks (-1 without --pid).
func cpu(pid int) [2]int64 {
	if pid <= 0 {
		return [2]int64{-1, -1}
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return [2]int64{-1, -1}
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	st, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return [2]int64{ut, st}
}

// cpuText formats the CPU seconds between two samples (USER_HZ = 100 on Linux).
func cpuText(pid int, c0, c1 [2]int64, wall time.Duration) string {
	if pid <= 0 || c0[0] < 0 || c1[0] < 0 {
		return "n/a"
	}
	u, k := float64(c1[0]-c0[0])/100, float64(c1[1]-c0[1])/100
	return fmt.Sprintf("%.2f s = %.2f user + %.2f sys (%.0f %% of one core over the %.2f s)", u+k, u, k,
		(u+k)/wall.Seconds()*100, wall.Seconds())
}

// inspect decodes every frame of the file into waveform bins, as the
// controller does with a stored chunk (application/recordings inspect).
func inspect(path string, frames int64) (int64, error) {
	a, err := (&audiofile.Decoder{}).OpenAudioFile(path)
	if err != nil {
		return 0, err
	}
	defer a.Close()
	ch := max(a.Format().Channels, 1)
	bins := recording.NewPeakBins(frames, ch, recording.WaveformBins)
	buf := make([]float32, 4096*ch)
	var n int64
	for {
		k, err := a.ReadFrames(buf)
		if k > 0 {
			bins.Add(buf[:k*ch])
			n += int64(k)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, err
		}
	}
	_ = bins.Peaks()
	return n, nil
}
