import MockAdapter from "axios-mock-adapter";
import { describe, expect, it, vi } from "vitest";
import { ApiError, CSRF_HEADER, createApiClient, readCookie } from "./client";

// A cookie jar as document.cookie returns it. A refresh handler can change it,
// as the browser does when a response sets new cookies.
function setup(initialCookies = "csrf_token=csrf-1") {
  const jar = { cookies: initialCookies };
  const onSessionExpired = vi.fn();
  const client = createApiClient({ readCookies: () => jar.cookies, onSessionExpired });
  const mock = new MockAdapter(client);
  return { client, mock, jar, onSessionExpired };
}

function csrfHeaderOf(config: { headers?: unknown }): unknown {
  return (config.headers as Record<string, unknown> | undefined)?.[CSRF_HEADER];
}

describe("readCookie", () => {
  it("finds a cookie among others", () => {
    expect(readCookie("a=1; csrf_token=abc; b=2", "csrf_token")).toBe("abc");
  });

  it("returns undefined for a missing cookie", () => {
    expect(readCookie("a=1; b=2", "csrf_token")).toBeUndefined();
    expect(readCookie("", "csrf_token")).toBeUndefined();
  });

  it("does not match a name prefix", () => {
    expect(readCookie("xcsrf_token=no; csrf_token_old=no", "csrf_token")).toBeUndefined();
  });

  it("keeps '=' inside the value and decodes it", () => {
    expect(readCookie("csrf_token=a%20b=c", "csrf_token")).toBe("a b=c");
  });
});

describe("CSRF header", () => {
  it.each(["post", "put", "patch", "delete"] as const)("is sent on %s", async (method) => {
    const { client, mock } = setup();
    mock.onAny("/orders").reply(200, {});

    await client.request({ method, url: "/orders" });

    expect(mock.history[method]).toHaveLength(1);
    expect(csrfHeaderOf(mock.history[method][0])).toBe("csrf-1");
  });

  it("is not sent on GET", async () => {
    const { client, mock } = setup();
    mock.onGet("/orders").reply(200, []);

    await client.get("/orders");

    expect(csrfHeaderOf(mock.history.get[0])).toBeUndefined();
  });

  it("is left out without a csrf_token cookie", async () => {
    const { client, mock } = setup("other=1");
    mock.onPost("/auth/login").reply(200, {});

    await client.post("/auth/login", { email: "a@example.com", password: "x" });

    expect(csrfHeaderOf(mock.history.post[0])).toBeUndefined();
  });

  it("sends credentials with every request", () => {
    const { client } = setup();
    expect(client.defaults.withCredentials).toBe(true);
  });
});

describe("401 handling", () => {
  it("refreshes once and repeats the request", async () => {
    const { client, mock, jar, onSessionExpired } = setup();
    mock.onGet("/orders").replyOnce(401, { status_code: 401, detail: "token expired" });
    mock.onPost("/auth/refresh").replyOnce(() => {
      jar.cookies = "csrf_token=csrf-2";
      return [200, { id: "u1", email: "a@example.com", role: "user" }];
    });
    mock.onGet("/orders").replyOnce(200, [{ id: "o1" }]);

    const response = await client.get("/orders");

    expect(response.data).toEqual([{ id: "o1" }]);
    expect(mock.history.get).toHaveLength(2);
    expect(mock.history.post).toHaveLength(1);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it("sends the refresh with the CSRF header", async () => {
    const { client, mock } = setup();
    mock.onGet("/orders").replyOnce(401, { detail: "token expired" });
    mock.onPost("/auth/refresh").replyOnce(200, {});
    mock.onGet("/orders").replyOnce(200, []);

    await client.get("/orders");

    expect(mock.history.post[0].url).toBe("/auth/refresh");
    expect(csrfHeaderOf(mock.history.post[0])).toBe("csrf-1");
  });

  it("repeats an unsafe request with the new CSRF token", async () => {
    const { client, mock, jar } = setup();
    mock.onDelete("/orders/o1").replyOnce(401, { detail: "token expired" });
    mock.onPost("/auth/refresh").replyOnce(() => {
      jar.cookies = "csrf_token=csrf-2";
      return [200, {}];
    });
    mock.onDelete("/orders/o1").replyOnce(204);

    await client.delete("/orders/o1");

    expect(mock.history.delete).toHaveLength(2);
    expect(csrfHeaderOf(mock.history.delete[0])).toBe("csrf-1");
    expect(csrfHeaderOf(mock.history.delete[1])).toBe("csrf-2");
  });

  it("reports an expired session when the refresh is rejected", async () => {
    const { client, mock, onSessionExpired } = setup();
    mock.onGet("/payments").reply(401, { detail: "token revoked" });
    mock.onPost("/auth/refresh").reply(401, { detail: "refresh failed" });

    const failure = client.get("/payments");

    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 401, message: "token revoked" });
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
    expect(mock.history.get).toHaveLength(1);
    expect(mock.history.post).toHaveLength(1);
  });

  it("treats a CSRF rejection of the refresh as an expired session", async () => {
    const { client, mock, onSessionExpired } = setup("");
    mock.onGet("/orders").reply(401, { detail: "missing token" });
    mock.onPost("/auth/refresh").reply(403, { detail: "CSRF check failed" });

    await expect(client.get("/orders")).rejects.toMatchObject({ status: 401 });
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it("shows a refresh failure other than 401 or 403", async () => {
    const { client, mock, onSessionExpired } = setup();
    mock.onGet("/orders").reply(401, { detail: "token expired" });
    mock.onPost("/auth/refresh").reply(503, { detail: "database unavailable" });

    await expect(client.get("/orders")).rejects.toMatchObject({
      status: 503,
      message: "database unavailable",
    });
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it("does not refresh twice for one request", async () => {
    const { client, mock, onSessionExpired } = setup();
    mock.onGet("/orders").reply(401, { detail: "token revoked" });
    mock.onPost("/auth/refresh").reply(200, {});

    await expect(client.get("/orders")).rejects.toMatchObject({ status: 401 });
    expect(mock.history.post).toHaveLength(1);
    expect(mock.history.get).toHaveLength(2);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it.each(["/auth/login", "/auth/register", "/auth/refresh"])(
    "does not refresh after a 401 from %s",
    async (path) => {
      const { client, mock } = setup();
      mock.onPost(path).reply(401, { detail: "invalid email or password" });

      await expect(client.post(path, {})).rejects.toMatchObject({
        status: 401,
        message: "invalid email or password",
      });
      expect(mock.history.post).toHaveLength(1);
    },
  );

  it("shares one refresh between concurrent requests", async () => {
    const { client, mock } = setup();
    let expired = true;
    mock.onGet(/\/(orders|payments)$/).reply(() => (expired ? [401, {}] : [200, []]));
    mock.onPost("/auth/refresh").reply(async () => {
      // Both requests must have failed before the refresh completes.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expired = false;
      return [200, {}];
    });

    await Promise.all([client.get("/orders"), client.get("/payments")]);

    expect(mock.history.post).toHaveLength(1);
    expect(mock.history.get).toHaveLength(4);
  });
});

describe("errors", () => {
  it("carry the service's detail", async () => {
    const { client, mock } = setup();
    mock.onPost("/orders").reply(422, { status_code: 422, detail: "Invalid $.currency" });

    await expect(client.post("/orders", {})).rejects.toMatchObject({
      name: "ApiError",
      status: 422,
      message: "Invalid $.currency",
    });
  });

  it("name the status when the body has no detail", async () => {
    const { client, mock } = setup();
    mock.onGet("/orders").reply(502, "<html>Bad Gateway</html>");

    await expect(client.get("/orders")).rejects.toMatchObject({
      status: 502,
      message: "The request failed with status 502.",
    });
  });

  it("name the request when no response arrives", async () => {
    const { client, mock } = setup();
    mock.onGet("/orders").networkError();

    await expect(client.get("/orders")).rejects.toMatchObject({
      status: undefined,
      message: "GET /orders failed: Network Error. Check that the services are running.",
    });
  });
});
