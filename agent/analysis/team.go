package analysis

// team meters the channels of one block on several goroutines. Work is
// handed over once per block (a second of audio, ~100 µs of work per
// channel), so plain channel hand-offs cost nothing noticeable and no
// goroutine ever spins waiting for another.
type team struct {
	size     int // goroutines including the caller
	channels int
	task     func(c int)
	start    []chan struct{}
	done     chan struct{}
}

func newTeam(size, channels int, task func(c int)) *team {
	t := &team{size: size, channels: channels, task: task, done: make(chan struct{}, size)}
	for m := 1; m < size; m++ {
		ch := make(chan struct{})
		t.start = append(t.start, ch)
		go func() {
			for range ch {
				t.share(m)
				t.done <- struct{}{}
			}
		}()
	}
	return t
}

// run meters every channel and returns when all are done. Channel c runs on
// member c mod size; the caller is member 0.
func (t *team) run() {
	for _, ch := range t.start {
		ch <- struct{}{}
	}
	t.share(0)
	for range t.start {
		<-t.done
	}
}

// share runs member m's channels.
func (t *team) share(m int) {
	for c := m; c < t.channels; c += t.size {
		t.task(c)
	}
}

// close stops the helpers.
func (t *team) close() {
	for _, ch := range t.start {
		close(ch)
	}
}
