import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { tokenStore } from "../auth/token";

afterEach(() => {
  cleanup();
  tokenStore.clear("signed-out");
  localStorage.clear();
  document.documentElement.removeAttribute("data-theme");
});
