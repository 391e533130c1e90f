// Keeps a short-lived media (ticket) URL fresh for as long as a component
// shows it: fetched when the component mounts and again shortly before it
// expires, so an <audio> element can always stream with Range requests.

import { useQuery } from "@tanstack/react-query";
import { fetchPlaybackUrl, mediaRefreshDelay } from "../api/media";
import type { MediaUrl } from "../api/media";

/** The shortest wait between two refreshes of one media URL. */
const MIN_REFRESH_MS = 1_000;

/**
 * The milliseconds until `url` should be replaced (at least MIN_REFRESH_MS),
 * or false while there is none: the refetchInterval of the media URL query.
 */
export function mediaRefreshInterval(url: MediaUrl | undefined, now: number = Date.now()): number | false {
  return url ? Math.max(MIN_REFRESH_MS, mediaRefreshDelay(url.expiresAt, now)) : false;
}

/**
 * A playback URL for recording `id` (null: none is fetched, e.g. without
 * recording:playback). The query lives under its own key, so invalidating
 * ["recordings"] does not swap the URL under a playing element.
 */
export function usePlaybackUrl(id: string | null) {
  return useQuery({
    queryKey: ["media-url", "stream", id],
    queryFn: () => fetchPlaybackUrl(id ?? ""),
    enabled: id !== null,
    staleTime: Infinity,
    gcTime: 0,
    retry: 1,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchInterval: (q) => mediaRefreshInterval(q.state.data),
    refetchIntervalInBackground: true,
  });
}
