// A compact list of health events with Acknowledge / Resolve, used on the
// dashboard and the node page.

import { Link } from "react-router";
import type { HealthEvent } from "../api/fleet";
import { TableHead } from "../components/table";
import { Badge, ErrorNotice, PermButton, When } from "../components/ui";
import { useHealthAction } from "./useHealthActions";

/** Rows of health events with per-row lifecycle buttons (health:acknowledge). */
export function IncidentList({ events, empty }: { events: HealthEvent[]; empty: string }) {
  const action = useHealthAction();
  if (events.length === 0) return <p className="muted">{empty}</p>;
  return (
    <>
      <ErrorNotice error={action.error} />
      <table className="table">
        <TableHead columns={["Opened", "Severity", "Type", "Node", "Status"]} hidden="Actions" />
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>
                <When value={e.openedAt} />
              </td>
              <td>
                <Badge value={e.severity} />
              </td>
              <td>
                <code>{e.type}</code>
              </td>
              <td>{e.nodeId ? <Link to={`/nodes/${encodeURIComponent(e.nodeId)}`}>{e.nodeId}</Link> : "—"}</td>
              <td>
                <Badge value={e.status} />
              </td>
              <td className="actions">
                {e.status === "open" ? (
                  <PermButton
                    permission="health:acknowledge"
                    disabled={action.isPending}
                    onClick={() => action.mutate({ id: e.id, action: "acknowledge" })}
                    aria-label={`Acknowledge ${e.type}`}
                  >
                    Acknowledge
                  </PermButton>
                ) : null}
                {e.status !== "resolved" ? (
                  <PermButton
                    permission="health:acknowledge"
                    disabled={action.isPending}
                    onClick={() => action.mutate({ id: e.id, action: "resolve" })}
                    aria-label={`Resolve ${e.type}`}
                  >
                    Resolve
                  </PermButton>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
