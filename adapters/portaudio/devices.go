package portaudio

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	pa "github.com/gordonklaus/portaudio"

	"github.com/rakkr/rakkr/ports"
)

// ProbeRates are the sample rates the Lister checks by default.
var ProbeRates = []int{44100, 48000, 96000}

// flexibleChannels is the channel count from which a non-hardware device is
// taken to be a converting plugin (ALSA plug/file over null report 128,
// PulseAudio 32) rather than an interface with that many inputs.
const flexibleChannels = 32

// aliasPCMs are ALSA's stock alias and converter PCMs: each is another view
// of a hardware PCM that is listed on its own, so the inventory skips them.
var aliasPCMs = map[string]bool{
	"sysdefault": true, "front": true, "rear": true, "center_lfe": true, "side": true,
	"surround21": true, "surround40": true, "surround41": true, "surround50": true,
	"surround51": true, "surround71": true, "iec958": true, "spdif": true, "hdmi": true,
	"modem": true, "phoneline": true, "dmix": true, "dsnoop": true, "lavrate": true,
	"samplerate": true, "speexrate": true, "speex": true, "upmix": true, "vdownmix": true,
	"usbstream": true, "a52": true, "oss": true,
}

// hwSuffix matches the "(hw:1,0)" PortAudio appends to ALSA hardware PCMs.
var hwSuffix = regexp.MustCompile(`\(hw:(\d+),(\d+)\)$`)

// Lister enumerates PortAudio input devices. The zero value is ready to use.
type Lister struct {
	// Rates overrides ProbeRates.
	Rates []int
	// ShowAliases keeps ALSA's stock alias PCMs (front, dsnoop, …).
	ShowAliases bool
}

// ListAudioDevices returns every device with input channels. Rates are
// probed with IsFormatSupported; a device this process has open is not
// probed again (it would be busy) and reports the rate it runs at.
func (l Lister) ListAudioDevices(ctx context.Context) ([]ports.AudioDevice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rates := l.Rates
	if len(rates) == 0 {
		rates = ProbeRates
	}
	var out []ports.AudioDevice
	err := withLibrary(func() error {
		devs, err := pa.Devices()
		if err != nil {
			return err
		}
		def, _ := pa.DefaultInputDevice()
		for _, d := range devs {
			if d.MaxInputChannels < 1 || (!l.ShowAliases && d.HostApi.Type == pa.ALSA && aliasPCMs[d.Name]) {
				continue
			}
			dev := describe(d)
			dev.IsDefault = def != nil && d.Index == def.Index
			if open, ok := library.openRates[deviceKey(d)]; ok {
				dev.SampleRates = []int{open}
			} else {
				dev.SampleRates = probeRates(d, dev.Channels, rates)
			}
			out = append(out, dev)
		}
		return nil
	})
	if err != nil {
		return nil, ports.DeviceUnavailable("portaudio", err)
	}
	return out, nil
}

// describe converts PortAudio's device info, without probing.
func describe(d *pa.DeviceInfo) ports.AudioDevice {
	dev := ports.AudioDevice{
		Name:              d.Name,
		HostAPI:           d.HostApi.Name,
		Backend:           backendOf(d),
		MaxInputChannels:  d.MaxInputChannels,
		DefaultSampleRate: int(d.DefaultSampleRate + 0.5),
	}
	if m := hwSuffix.FindStringSubmatch(d.Name); m != nil && d.HostApi.Type == pa.ALSA {
		card, _ := strconv.Atoi(m[1])
		num, _ := strconv.Atoi(m[2])
		dev.Hardware = &ports.ALSAHardware{Card: card, Device: num}
	}
	dev.Channels = defaultChannels(d, dev.Hardware != nil)
	return dev
}

// backendOf classifies a device by host API and, on ALSA, by the
// well-known names of the PipeWire and JACK bridge plugins.
func backendOf(d *pa.DeviceInfo) ports.AudioBackend {
	switch d.HostApi.Type {
	case pa.JACK:
		return ports.BackendJACK
	case pa.ALSA:
		switch strings.ToLower(d.Name) {
		case "pipewire":
			return ports.BackendPipeWire
		case "jack":
			return ports.BackendJACK
		}
		return ports.BackendALSA
	}
	return ports.BackendUnknown
}

// defaultChannels is the channel count to open when a request gives none:
// every input of real hardware and JACK, but only two of a converting
// plugin, which accepts any count and reports an arbitrary maximum.
func defaultChannels(d *pa.DeviceInfo, hardware bool) int {
	if hardware || d.HostApi.Type == pa.JACK || d.MaxInputChannels < flexibleChannels {
		return d.MaxInputChannels
	}
	return 2
}

// probeRates returns the rates among candidates the device accepts.
func probeRates(d *pa.DeviceInfo, channels int, candidates []int) []int {
	var ok []int
	for _, r := range candidates {
		p := pa.StreamParameters{
			Input:           pa.StreamDeviceParameters{Device: d, Channels: channels, Latency: d.DefaultHighInputLatency},
			SampleRate:      float64(r),
			FramesPerBuffer: pa.FramesPerBufferUnspecified,
		}
		if pa.IsFormatSupported(p, make([]float32, channels)) == nil {
			ok = append(ok, r)
		}
	}
	return ok
}

// deviceKey identifies a device within one PortAudio session.
func deviceKey(d *pa.DeviceInfo) string { return d.HostApi.Name + "\x00" + d.Name }

var _ ports.DeviceLister = Lister{}
