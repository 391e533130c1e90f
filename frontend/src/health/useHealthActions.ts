// Mutations for health-event lifecycle actions, shared by the dashboard, the
// node page and the health page. Each refreshes every health query.

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { bulkHealthLifecycle, healthLifecycle } from "../api/fleet";
import type { HealthAction } from "../api/fleet";

/** One action on one event. */
export function useHealthAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: HealthAction }) => healthLifecycle(id, action),
    onSettled: () => qc.invalidateQueries({ queryKey: ["health"] }),
  });
}

/** One action on many events (all or nothing). */
export function useBulkHealthAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, action }: { ids: string[]; action: HealthAction }) =>
      bulkHealthLifecycle({
        ids,
        action,
        ...(action === "suppress" ? { until: new Date(Date.now() + 3_600_000).toISOString() } : {}),
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: ["health"] }),
  });
}
