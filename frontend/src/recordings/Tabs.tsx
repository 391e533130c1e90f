import { NavLink } from "react-router";

/** Library / Jobs tabs of the Recordings section. */
export function RecordingTabs() {
  return (
    <nav className="tabs" aria-label="Recordings views">
      <NavLink to="/recordings" end className="tabs__tab">
        Library
      </NavLink>
      <NavLink to="/recordings/jobs" className="tabs__tab">
        Jobs
      </NavLink>
    </nav>
  );
}
