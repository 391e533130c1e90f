import { Guard } from "../auth/Guard";
import { useMe } from "../auth/session";
import { Card, UnavailableCard } from "../components/Card";
import type { Section } from "../layout/sections";

/** A section that is not built yet: a "coming soon" card, behind its permission. */
export function SectionPage({ section }: { section: Section }) {
  const me = useMe();
  const body = (
    <Card title="Coming soon">
      <p>{section.summary}</p>
      <p className="muted">This part of the console is not built yet.</p>
    </Card>
  );
  return (
    <>
      <h1>{section.label}</h1>
      {!section.permission ? (
        body
      ) : me.isPending ? (
        <p className="muted" role="status">
          Checking your permissions…
        </p>
      ) : (
        <Guard
          permission={section.permission}
          fallback={(reason) => <UnavailableCard what={section.label} reason={reason} />}
        >
          {body}
        </Guard>
      )}
    </>
  );
}
