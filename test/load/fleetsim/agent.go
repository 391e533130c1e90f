package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// runAgent streams frames for one node until ctx ends: binary meter
// messages when the controller accepts the binary subprotocol (unless
// cfg.JSON), JSON text otherwise.
func runAgent(ctx context.Context, cfg simConfig, node string, sent, errors, binaryStreams *atomic.Int64) {
	h := http.Header{"Authorization": {"Bearer " + cfg.NodeToken(node)}}
	d := *websocket.DefaultDialer
	if !cfg.JSON {
		d.Subprotocols = []string{agentapi.StreamProtocolBinary}
	}
	c, _, err := d.DialContext(ctx, wsURL(cfg.BaseURL, fmt.Sprintf(agentapi.PathStream, node)), h)
	if err != nil {
		errors.Add(1)
		return
	}
	defer c.Close()
	binary := c.Subprotocol() == agentapi.StreamProtocolBinary
	if binary {
		binaryStreams.Add(1)
	}
	go func() { // consume pings and the close frame
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	f := agentapi.MeterFrame{NodeID: node, InterfaceID: node + "-if0"}
	for i := 1; i <= cfg.Channels; i++ {
		f.Levels = append(f.Levels, agentapi.LevelFrame{ChannelIndex: i, Label: agentapi.ChannelLabel(i), RMSDBFS: -23.4, PeakDBFS: -8.1,
			Quality: agentapi.Quality{SpeechScore: 0.8, SpeechLike: true, NoiseScore: 0.1, EstimatedSNRDB: 24.5, IntelligibilityScore: 0.7}})
	}
	// Real agents do not tick in step: start at a random phase.
	period := time.Second / time.Duration(cfg.Rate)
	select {
	case <-ctx.Done():
		return
	case <-time.After(rand.N(period)):
	}
	t := time.NewTicker(period)
	defer t.Stop()
	var buf []byte
	for {
		select {
		case <-ctx.Done():
			_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			return
		case <-t.C:
			f.CapturedAt = time.Now().UTC()
			kind := websocket.TextMessage
			if binary {
				kind, buf = websocket.BinaryMessage, agentapi.AppendMeterBinary(buf[:0], f)
			} else {
				buf = append(buf[:0], `{"type":"meter","meter":`...)
				buf = append(f.AppendJSON(buf), '}')
			}
			if err := c.WriteMessage(kind, buf); err != nil {
				errors.Add(1)
				return
			}
			sent.Add(1)
		}
	}
}
