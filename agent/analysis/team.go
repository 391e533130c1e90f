package analysis

// team meters the channels of one block on helper goroutines while the
// caller reports the previous block. Work is handed over once per block (a
// second of audio, ~100 µs of work per channel), so plain channel hand-offs
// cost nothing noticeable and no goroutine ever spins waiting for another.
type team struct {
	size     int // helper goroutines
	channels int
	task     func(b *block, c int)
	cur      *block
	running  bool
	start    []chan struct{}
	done     chan struct{}
}

func newTeam(size, channels int, task func(b *block, c int)) *team {
	t := &team{size: size, channels: channels, task: task, done: make(chan struct{}, size)}
	for m := 0; m < size; m++ {
		ch := make(chan struct{})
		t.start = append(t.start, ch)
		go func() {
			for range ch {
				for c := m; c < t.channels; c += t.size {
					t.task(t.cur, c)
				}
				t.done <- struct{}{}
			}
		}()
	}
	return t
}

// run starts metering every channel of b; wait returns when that is done.
// Channel c runs on helper c mod size.
func (t *team) run(b *block) {
	t.cur = b
	t.running = true
	for _, ch := range t.start {
		ch <- struct{}{}
	}
}

// wait blocks until the block given to run is metered.
func (t *team) wait() {
	if !t.running {
		return
	}
	for range t.start {
		<-t.done
	}
	t.running = false
}

// close waits for running work and stops the helpers.
func (t *team) close() {
	t.wait()
	for _, ch := range t.start {
		close(ch)
	}
}
