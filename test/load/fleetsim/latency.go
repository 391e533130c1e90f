package main

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
	at []time.Time // when each measured request started
}

func (l *latencies) add(start time.Time, d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.at = append(l.at, start)
	l.mu.Unlock()
}

// timeline is, per second of the run, how many heartbeats started and the
// slowest of them: where the tail comes from (one stall or a steady climb).
func (l *latencies) timeline(from time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var count []int
	var worst []time.Duration
	for i, at := range l.at {
		sec := max(0, int(at.Sub(from)/time.Second))
		for len(count) <= sec {
			count, worst = append(count, 0), append(worst, 0)
		}
		count[sec]++
		worst[sec] = max(worst[sec], l.d[i])
	}
	var b strings.Builder
	for i := range count {
		fmt.Fprintf(&b, "t=%02ds heartbeats=%d slowest=%v\n", i, count[i], worst[i].Round(time.Millisecond))
	}
	return b.String()
}

// percentile is the p-quantile (0..1) of sorted, which must not be empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	return sorted[int(float64(len(sorted)-1)*p)]
}
