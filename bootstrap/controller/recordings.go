package controller

import (
	"path/filepath"
	"time"

	"github.com/rakkr/rakkr/adapters/audiofile"
	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/adapters/promexport"
	"github.com/rakkr/rakkr/adapters/recordingcache"
	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/application/library"
	"github.com/rakkr/rakkr/application/profiles"
	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/bootstrap/settings"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// recordingModules are the recording use cases' HTTP modules and the
// capture service (for the lease runner).
type recordingModules struct {
	capture *recordings.Service
	cache   *recordingcache.Cache
	modules []httpapi.Module
}

// newRecordings wires the capture use cases: the GORM stores, the recording
// cache in RAKKR_DATA_DIR/recordings, the audio decoder, the "jobs" and
// "recordings" WebSocket topics and the recording metrics; then the library
// and the recording settings (profiles, channel maps) on the same stores.
func newRecordings(db *gormstore.DB, v settings.Values, rec ports.AuditRecorder, health ports.HealthStore,
	authz *casbinauthz.Authorizer, fleetSvc *fleet.Service, hub *ws.Hub, metrics *promexport.Metrics, clock ports.Clock,
	startedAt time.Time) (recordingModules, error) {
	files, err := recordingcache.New(filepath.Join(v["RAKKR_DATA_DIR"], "recordings"))
	if err != nil {
		return recordingModules{}, err
	}
	store := gormstore.NewRecordingStore(db)
	jobs, chunks := gormstore.NewJobStore(db), gormstore.NewChunkStore(db)
	profileStore, mapStore, nodeStore := gormstore.NewProfileStore(db), gormstore.NewChannelMapStore(db), gormstore.NewNodeStore(db)
	obs := metrics.RegisterRecordings(jobs)
	svc, err := recordings.New(recordings.Deps{Tx: db, Recordings: store, Jobs: jobs, Chunks: chunks,
		Uploads: chunks, Profiles: profileStore, ChannelMaps: mapStore,
		Nodes: nodeStore, Files: files, Decoder: audiofile.NewDecoder(), Audit: rec, Health: health,
		Graph: authz, Clock: clock, Scope: fleetSvc, StartedAt: startedAt, Observer: obs,
		OnJob:       func(j recording.Job) { _ = hub.Publish("jobs", httpapi.ToJobView(j)) },
		OnRecording: func(r recording.Recording) { _ = hub.Publish("recordings", httpapi.RecordingChanged(r)) },
		OnDeleted:   func(r recording.Recording) { _ = hub.Publish("recordings", httpapi.RecordingDeleted(r)) },
		OnChunk:     func(c recording.Chunk, nodeID string) { _ = hub.Publish("recordings", httpapi.ChunkStored(c, nodeID)) },
	})
	if err != nil {
		return recordingModules{}, err
	}
	lib, err := library.New(library.Deps{Tx: db, Recordings: store, Chunks: chunks, Jobs: jobs, Files: files, Audit: rec,
		Scope: fleetSvc, Graph: authz, Clock: clock, Assembler: audiofile.NewAssembler(),
		OnChange: func(r recording.Recording, deleted bool) {
			if deleted {
				_ = hub.Publish("recordings", httpapi.RecordingDeleted(r))
				return
			}
			_ = hub.Publish("recordings", httpapi.RecordingChanged(r))
		}})
	if err != nil {
		return recordingModules{}, err
	}
	prof, err := profiles.New(profiles.Deps{Tx: db, Profiles: profileStore, Maps: mapStore,
		Audit: rec, Recordings: store, Nodes: nodeStore, Clock: clock})
	if err != nil {
		return recordingModules{}, err
	}
	return recordingModules{capture: svc, cache: files, modules: []httpapi.Module{
		&httpapi.RecordingsModule{Service: svc}, &httpapi.AgentJobsModule{Service: svc},
		&httpapi.LibraryModule{Service: lib}, &httpapi.SettingsModule{Profiles: prof},
	}}, nil
}
