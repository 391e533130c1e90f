// Settings (settings:read; changes need settings:manage): recording profiles
// and channel-map templates with their interface/node assignments. The
// sections live in ../settings.

import { useCan } from "../auth/Guard";
import { PageGuard } from "../components/ui";
import { ChannelMapsSection } from "../settings/ChannelMapsSection";
import { ProfilesSection } from "../settings/ProfilesSection";

function SettingsBody() {
  const manage = useCan("settings:manage");
  return (
    <>
      {!manage.allowed ? (
        <p className="notice notice--info" role="status">
          You can view the settings. {manage.reason}
        </p>
      ) : null}
      <ProfilesSection />
      <ChannelMapsSection />
    </>
  );
}

/** Settings: recording profiles and channel maps. */
export function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <PageGuard permission="settings:read" what="Settings">
        <SettingsBody />
      </PageGuard>
    </>
  );
}
