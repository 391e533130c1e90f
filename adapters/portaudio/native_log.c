// Routes the diagnostics that ALSA and JACK print to stderr while PortAudio
// probes devices into Go (debug logs): they are expected on machines without
// a sound card or JACK server and must not look like failures.
#include <stdarg.h>
#include <stdio.h>
#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include "_cgo_export.h"

static void rakkr_alsa_error(const char *file, int line, const char *function, int err, const char *fmt, ...) {
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	rakkrNativeLog(0, (char *)(function ? function : ""), buf);
}

static void rakkr_jack_message(const char *msg) {
	rakkrNativeLog(1, "", (char *)msg);
}

void rakkr_install_native_log_handlers(void) {
	snd_lib_error_set_handler(rakkr_alsa_error);
	jack_set_error_function(rakkr_jack_message);
	jack_set_info_function(rakkr_jack_message);
}
