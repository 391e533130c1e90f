import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/**
 * keepPlaceholder writes an empty dist/.keep on every build. The file is
 * committed so that `//go:embed all:dist` in embed.go compiles on a fresh
 * clone; vite empties dist/ before a build, so the build puts it back.
 */
function keepPlaceholder(): Plugin {
  return {
    name: "rakkr-keep-placeholder",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: ".keep", source: "" });
    },
  };
}

// The controller listens here during development (`rakkr` with default flags).
const controller = "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [react(), keepPlaceholder()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      // The WebSocket entry must come first: the first matching prefix wins.
      "/api/v1/ws": { target: controller, ws: true, changeOrigin: true },
      "/api": { target: controller, changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Maps would ship inside the controller binary; build with --sourcemap to debug.
    sourcemap: false,
    target: "es2022",
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
