// The reader site is static files; /graphql (HTTP and WebSocket) is proxied to the CMS,
// so the pages and the API share one origin (no CORS, no cross-origin WebSocket).
import { defineConfig, type ProxyOptions } from "vite";

const cms = process.env.CMS_URL ?? "http://127.0.0.1:8000";
const proxy: Record<string, ProxyOptions> = {
  // The Host header is kept: the CMS sees a same-origin WebSocket handshake.
  "/graphql": { target: cms, ws: true, changeOrigin: false },
};

export default defineConfig({
  appType: "spa",
  server: { host: "127.0.0.1", port: 5173, proxy },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true, proxy },
  build: { target: "es2022" },
});
