import { useQuery } from "@tanstack/react-query";
import { listNodes } from "../api/fleet";
import { useCan } from "../auth/Guard";

/** A node's alias (or hostname) from the shared node picker list, else its id. */
export function NodeName({ id }: { id: string }) {
  const read = useCan("node:read");
  const nodes = useQuery({
    queryKey: ["nodes", "picker"],
    queryFn: ({ signal }) => listNodes({ limit: 500 }, signal),
    enabled: read.allowed,
    staleTime: 60_000,
  });
  const n = nodes.data?.items.find((x) => x.id === id);
  const name = n ? n.alias || n.hostname : "";
  return name ? <span title={id}>{name}</span> : <code>{id}</code>;
}
