package daemon

import (
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Notifier sends systemd notifications (sd_notify) to the datagram socket
// named by NOTIFY_SOCKET. The zero value (no socket) does nothing.
type Notifier struct {
	// Socket is the socket path ("@name" for an abstract socket).
	Socket string
	// Watchdog is the watchdog timeout (WATCHDOG_USEC); 0 disables pings.
	Watchdog time.Duration
}

// NotifierFromEnv reads NOTIFY_SOCKET and WATCHDOG_USEC (honouring
// WATCHDOG_PID when set).
func NotifierFromEnv() Notifier {
	n := Notifier{Socket: os.Getenv("NOTIFY_SOCKET")}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return n
	}
	if us, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64); err == nil && us > 0 {
		n.Watchdog = time.Duration(us) * time.Microsecond
	}
	return n
}

// Notify sends state ("READY=1", "WATCHDOG=1", "STOPPING=1"); without a
// socket it does nothing.
func (n Notifier) Notify(state string) error {
	if n.Socket == "" {
		return nil
	}
	name := n.Socket
	if strings.HasPrefix(name, "@") {
		name = "\x00" + name[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Write([]byte(state))
	return err
}

// PingInterval is how often WATCHDOG=1 is sent: half the watchdog timeout,
// or 0 when no watchdog (or no socket) is configured.
func (n Notifier) PingInterval() time.Duration {
	if n.Socket == "" || n.Watchdog <= 0 {
		return 0
	}
	return n.Watchdog / 2
}
