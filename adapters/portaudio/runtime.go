// Package portaudio captures audio through PortAudio (cgo): it enumerates
// input devices and opens blocking input streams that deliver float32 blocks
// through ports.AudioSource, whatever sample format the device offers.
//
// PortAudio needs portaudio19-dev (which brings the ALSA and JACK headers)
// at build time. ALSA and JACK write chatter to stderr while probing
// devices; the package routes it to debug logs instead.
package portaudio

import (
	"sync"

	pa "github.com/gordonklaus/portaudio"
)

// library reference-counts PortAudio: Pa_Initialize on the first use,
// Pa_Terminate after the last, so that a process enumerates devices afresh
// whenever nothing holds PortAudio open (PortAudio caches the device list
// between the two). PortAudio itself is process-wide state, which is why
// this is a package-level variable; its mutex also serialises the calls
// PortAudio does not allow concurrently (initialise, open, close, list).
var library struct {
	mu       sync.Mutex
	refs     int
	hooksSet bool
	// openRates holds the sample rate of every device this process has
	// open (by deviceKey), so that listing does not probe a busy device.
	openRates map[string]int
}

// acquire initialises PortAudio if nobody holds it. Callers must hold
// library.mu and call release exactly once when acquire succeeded.
func acquire() error {
	if !library.hooksSet {
		installNativeLogHandlers()
		library.hooksSet = true
	}
	if library.openRates == nil {
		library.openRates = map[string]int{}
	}
	if library.refs == 0 {
		if err := pa.Initialize(); err != nil {
			return err
		}
	}
	library.refs++
	return nil
}

// release drops one reference and terminates PortAudio after the last.
// Callers must hold library.mu.
func release() {
	if library.refs == 0 {
		return
	}
	library.refs--
	if library.refs == 0 {
		_ = pa.Terminate()
	}
}

// withLibrary runs fn with PortAudio initialised and the library locked.
func withLibrary(fn func() error) error {
	library.mu.Lock()
	defer library.mu.Unlock()
	if err := acquire(); err != nil {
		return err
	}
	defer release()
	return fn()
}
