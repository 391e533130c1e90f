package quality

// score turns the features of one channel frame into its Scores. The
// formulas and the reasons for every constant are in docs/quality.md.
func score(f features) Scores {
	a := rise(f.rmsDB, -65, -35) // audibility
	if a == 0 {
		return Scores{}
	}
	steady := fall(f.modTotal, 0.40, 0.90) // stationary noise barely moves
	syllabic := rise(f.modSyl, 0.20, 0.50) // speech swings at 2–8 Hz
	speechy := rise(f.speechBand, 0.45, 0.75)
	spread := rise(max(f.flatHz, f.flatOct), 0.50, 0.85)
	hiss := rise(f.highBand, 0.85, 0.97)
	crackle := rise(f.crestDB, 18, 26) * rise(f.flatHz, 0.45, 0.75) // clicks: sharp and broadband

	var s Scores
	s.Hum = a * rise(f.hum, 0.20, 0.60)
	s.Speech = clamp01(a * (0.1 + 0.9*syllabic*(0.4+0.6*speechy)) * (1 - f.hum))
	s.SpeechLike = s.Speech >= SpeechLikeMin
	s.Static = a * max(hiss*steady, crackle*(1-syllabic))
	s.Broadband = a * steady * spread * (1 - hiss) * (1 - f.hum)
	s.Noise = clamp01(a * max(1-s.Speech, 0.85*s.Hum, s.Static, s.Broadband))
	s.SNRDB = min(80, f.snrDB)
	disturbance := max(s.Hum, s.Static, s.Broadband)
	s.Intelligibility = clamp01(s.Speech * (0.45 + 0.55*rise(s.SNRDB, 6, 24)) * (1 - 0.6*disturbance))
	return s
}
