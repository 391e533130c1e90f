package portaudio

/*
#cgo pkg-config: portaudio-2.0 alsa jack
void rakkr_install_native_log_handlers(void);
*/
import "C"

import "log/slog"

// installNativeLogHandlers replaces the stderr printers of ALSA and JACK.
func installNativeLogHandlers() { C.rakkr_install_native_log_handlers() }

// rakkrNativeLog receives one ALSA (source 0) or JACK (source 1) message.
//
//export rakkrNativeLog
func rakkrNativeLog(source C.int, function, msg *C.char) {
	lib := "alsa"
	if source == 1 {
		lib = "jack"
	}
	slog.Debug("native audio library message", "lib", lib, "function", C.GoString(function), "message", C.GoString(msg))
}
