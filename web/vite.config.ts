import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The dev server proxies the API paths to the services, so the page and the
// APIs share one origin. The session cookies are first-party and CORS is not involved. The
// Ingress in deploy/k8s does the same in a deployment. Set these variables to
// reach services on other ports.
const authUrl = process.env.REVOCAST_WEB_AUTH_URL ?? "http://127.0.0.1:8001";
const ordersUrl = process.env.REVOCAST_WEB_ORDERS_URL ?? "http://127.0.0.1:8002";
const paymentsUrl = process.env.REVOCAST_WEB_PAYMENTS_URL ?? "http://127.0.0.1:8003";

// changeOrigin stays false: the services accept an unsafe request whose Origin
// header names the Host it was sent to, and both must be the dev server's.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "^/auth(?=[/?]|$)": { target: authUrl },
      "^/\\.well-known/": { target: authUrl },
      "^/orders(?=[/?]|$)": { target: ordersUrl },
      "^/payments(?=[/?]|$)": { target: paymentsUrl },
    },
  },
  build: {
    outDir: "dist",
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
