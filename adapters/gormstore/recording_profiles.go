package gormstore

import (
	"context"

	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// ProfileStore keeps recording profiles in recording_profiles; the
// migration seeds the built-ins, which updates and deletes refuse.
type ProfileStore struct{ db *DB }

// NewProfileStore returns the recording profile store on db.
func NewProfileStore(db *DB) *ProfileStore { return &ProfileStore{db: db} }

// ListProfiles implements ports.ProfileStore: built-ins first, then by name.
func (s *ProfileStore) ListProfiles(ctx context.Context) ([]recording.Profile, error) {
	var rows []profileRow
	if err := s.db.Conn(ctx).Order("builtin DESC, name, id").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]recording.Profile, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainProfile(r))
	}
	return out, nil
}

// GetProfile implements ports.ProfileStore.
func (s *ProfileStore) GetProfile(ctx context.Context, id string) (recording.Profile, error) {
	var r profileRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return recording.Profile{}, identityNotFound(err, recording.ErrProfileNotFound)
	}
	return toDomainProfile(r), nil
}

// InsertProfile implements ports.ProfileStore.
func (s *ProfileStore) InsertProfile(ctx context.Context, p recording.Profile) error {
	r := fromDomainProfile(p)
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// UpdateProfile implements ports.ProfileStore: the row is locked, a
// built-in is refused with recording.ErrBuiltinProfile, and fn cannot make
// a profile built-in.
func (s *ProfileStore) UpdateProfile(ctx context.Context, id string, fn func(p *recording.Profile) error) (recording.Profile, error) {
	var out recording.Profile
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r profileRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, recording.ErrProfileNotFound)
		}
		if r.Builtin {
			return recording.ErrBuiltinProfile
		}
		p := toDomainProfile(r)
		if err := fn(&p); err != nil {
			return err
		}
		p.ID, p.Builtin = id, false
		w := fromDomainProfile(p)
		if err := s.db.Conn(ctx).Model(&profileRow{}).Where("id = ?", id).Select("*").Omit("id").Updates(&w).Error; err != nil {
			return Translate(err)
		}
		out = toDomainProfile(w)
		return nil
	})
	return out, err
}

// DeleteProfile implements ports.ProfileStore; a built-in is refused with
// recording.ErrBuiltinProfile.
func (s *ProfileStore) DeleteProfile(ctx context.Context, id string) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		var r profileRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, recording.ErrProfileNotFound)
		}
		if r.Builtin {
			return recording.ErrBuiltinProfile
		}
		return Translate(s.db.Conn(ctx).Where("id = ?", id).Delete(&profileRow{}).Error)
	})
}

var _ ports.ProfileStore = (*ProfileStore)(nil)
