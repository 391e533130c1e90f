import { Link } from "react-router";
import { Card } from "../components/Card";

/** Any console path that matches no page. */
export function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <Card title="Nothing here">
        <p>This address does not match a page of the console.</p>
        <p>
          <Link to="/">Go to the dashboard</Link>
        </p>
      </Card>
    </>
  );
}
