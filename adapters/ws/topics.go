package ws

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
)

// subscribe handles {"type":"subscribe","topic":…}: meters:<nodeId> needs
// node:read on the node; reserved topics are accepted and each message on
// them is checked when published.
func (c *consoleConn) subscribe(topic string) {
	c.mu.Lock()
	_, dup := c.topics[topic]
	n := len(c.topics)
	c.mu.Unlock()
	if dup {
		c.send(ServerMessage{Type: "subscribed", Topic: topic})
		return
	}
	if n >= maxTopics {
		c.sendError(topic, "websocket.tooManyTopics", "too many subscriptions on one socket")
		return
	}
	if _, ok := reservedTopics[topic]; ok {
		c.mu.Lock()
		c.topics[topic] = nil
		c.mu.Unlock()
		c.send(ServerMessage{Type: "subscribed", Topic: topic})
		return
	}
	node, ok := strings.CutPrefix(topic, "meters:")
	if !ok || node == "" || len(node) > 200 {
		c.sendError(topic, "websocket.unknownTopic", "topics are meters:<nodeId>, nodes, health, jobs, recordings")
		return
	}
	if !c.filter.Allowed(c.ctx, access.NodeRead, meters.NodeRef(node)) {
		c.sendError(topic, "auth.forbidden", "permission node:read is not granted on node:"+node)
		return
	}
	sub := c.hub.cfg.Meters.Subscribe(node)
	c.mu.Lock()
	c.topics[topic] = sub
	c.mu.Unlock()
	c.send(ServerMessage{Type: "subscribed", Topic: topic})
	go c.forward(topic, sub)
}

func (c *consoleConn) unsubscribe(topic string) {
	c.mu.Lock()
	sub, ok := c.topics[topic]
	delete(c.topics, topic)
	c.mu.Unlock()
	if sub != nil {
		sub.Close()
	}
	if ok {
		c.send(ServerMessage{Type: "unsubscribed", Topic: topic})
	}
}

// forward relays one meter subscription, filtering every frame against
// the caller's current (cached) rights.
func (c *consoleConn) forward(topic string, sub *meters.Subscription) {
	head, _ := json.Marshal(topic)
	head = append([]byte(`{"type":"meter","topic":`), head...)
	for d := range sub.C() {
		if !c.filter.Allowed(c.ctx, access.NodeRead, meters.NodeRef(sub.Node())) {
			c.unsubscribe(topic)
			c.sendError(topic, "auth.forbidden", "permission node:read is no longer granted on node:"+sub.Node())
			continue
		}
		fr, ok := c.filter.Frame(c.ctx, d.Frame)
		if !ok {
			continue
		}
		// The frame's AppendJSON writes what encoding/json would, without
		// reflection, into a buffer the writer recycles once it is sent.
		b := fr.AppendJSON(append(append(messageBuffer(512+len(fr.Levels)*400), head...), `,"frame":`...))
		if d.Missed > 0 {
			b = strconv.AppendInt(append(b, `,"missed":`...), int64(d.Missed), 10)
		}
		if !c.sendRaw(append(b, '}')) {
			sub.Close()
		}
	}
	if errors.Is(sub.Err(), meters.ErrTooSlow) {
		c.shutdown(websocket.ClosePolicyViolation, "too slow: fell behind the live meters")
	}
}

// publish offers a topic payload without blocking.
func (c *consoleConn) publish(topic string, perm access.Permission, target access.Ref, payload any) {
	c.mu.Lock()
	_, ok := c.topics[topic]
	c.mu.Unlock()
	if !ok || !c.filter.Allowed(c.ctx, perm, target) {
		return
	}
	b, err := json.Marshal(ServerMessage{Type: topic, Topic: topic, Payload: payload})
	if err != nil {
		return
	}
	select {
	case c.out <- b:
	default:
		c.hub.cfg.Observer.MeterFramesDropped("publish_queue_full", 1)
	}
}

// messageBufs recycles the buffers of meter messages: at 1,000 nodes a
// console socket encodes 10,000 of them a second.
var messageBufs sync.Pool

// messageBuffer returns an empty buffer of at least size bytes.
func messageBuffer(size int) []byte {
	if p, ok := messageBufs.Get().(*[]byte); ok && cap(*p) >= size {
		return (*p)[:0]
	}
	return make([]byte, 0, size)
}

// recycle returns a sent message's buffer (up to 64 KiB) for reuse.
func recycle(b []byte) {
	if cap(b) <= 64<<10 {
		b = b[:0]
		messageBufs.Put(&b)
	}
}
