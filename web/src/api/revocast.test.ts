import MockAdapter from "axios-mock-adapter";
import { describe, expect, it, vi } from "vitest";
import { createApiClient } from "./client";
import {
  MAX_PAYMENT_ATTEMPTS,
  PAID_POLL_ATTEMPTS,
  PAID_POLL_INTERVAL_MS,
  RevocastApi,
  retryAfterSeconds,
} from "./revocast";

const PAYMENT = {
  id: "p1",
  order_id: "o1",
  amount_cents: 2500,
  currency: "EUR",
  status: "succeeded",
  created_at: "2025-01-01T00:00:00Z",
};

function order(status: string) {
  return { id: "o1", status };
}

function setup() {
  const client = createApiClient({ readCookies: () => "csrf_token=csrf-1" });
  const mock = new MockAdapter(client);
  const sleep = vi.fn(async (_milliseconds: number) => undefined);
  let keys = 0;
  const api = new RevocastApi(client, sleep, () => `key-${++keys}`);
  return { api, mock, sleep };
}

function headerOf(config: { headers?: unknown }, name: string): unknown {
  return (config.headers as Record<string, unknown> | undefined)?.[name];
}

describe("retryAfterSeconds", () => {
  it.each([
    ["1", 1],
    ["0", 0],
    ["2.5", 2.5],
    ["60", 5],
    ["-3", 0],
    ["soon", 1],
    [undefined, 1],
  ])("reads %s as %d", (header, expected) => {
    expect(retryAfterSeconds(header)).toBe(expected);
  });
});

describe("pay", () => {
  it("retries after 409 with Retry-After", async () => {
    const { api, mock, sleep } = setup();
    mock
      .onPost("/payments")
      .replyOnce(409, { detail: "order not known yet" }, { "retry-after": "1" })
      .onPost("/payments")
      .replyOnce(201, PAYMENT);

    const payment = await api.pay("o1");

    expect(payment).toEqual(PAYMENT);
    expect(mock.history.post).toHaveLength(2);
    expect(sleep).toHaveBeenCalledExactlyOnceWith(1000);
  });

  it("sends one idempotency key on every attempt", async () => {
    const { api, mock } = setup();
    mock
      .onPost("/payments")
      .replyOnce(409, {}, { "retry-after": "0" })
      .onPost("/payments")
      .replyOnce(201, PAYMENT);

    await api.pay("o1");

    const keys = mock.history.post.map((request) => headerOf(request, "Idempotency-Key"));
    expect(keys).toEqual(["key-1", "key-1"]);
    expect(JSON.parse(mock.history.post[1].data)).toEqual({ order_id: "o1" });
    expect(headerOf(mock.history.post[1], "X-CSRF-Token")).toBe("csrf-1");
  });

  it("stops at a 409 without Retry-After", async () => {
    const { api, mock, sleep } = setup();
    mock.onPost("/payments").reply(409, { detail: "order o1 is paid, not pending" });

    await expect(api.pay("o1")).rejects.toMatchObject({
      status: 409,
      message: "order o1 is paid, not pending",
    });
    expect(mock.history.post).toHaveLength(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("gives up after the maximum attempts", async () => {
    const { api, mock, sleep } = setup();
    mock.onPost("/payments").reply(409, {}, { "retry-after": "1" });

    await expect(api.pay("o1")).rejects.toMatchObject({ status: 409 });
    expect(mock.history.post).toHaveLength(MAX_PAYMENT_ATTEMPTS);
    expect(sleep).toHaveBeenCalledTimes(MAX_PAYMENT_ATTEMPTS - 1);
  });

  it("shows other errors", async () => {
    const { api, mock } = setup();
    mock.onPost("/payments").reply(404, { detail: "order o1 not found" });

    await expect(api.pay("o1")).rejects.toMatchObject({
      status: 404,
      message: "order o1 not found",
    });
  });
});

describe("waitWhilePending", () => {
  it("polls until the order is paid", async () => {
    const { api, mock, sleep } = setup();
    mock
      .onGet("/orders/o1")
      .replyOnce(200, order("pending"))
      .onGet("/orders/o1")
      .replyOnce(200, order("pending"))
      .onGet("/orders/o1")
      .replyOnce(200, order("paid"));

    const result = await api.waitWhilePending("o1");

    expect(result.status).toBe("paid");
    expect(mock.history.get).toHaveLength(3);
    expect(sleep).toHaveBeenCalledWith(PAID_POLL_INTERVAL_MS);
  });

  it("returns the pending order after the last poll", async () => {
    const { api, mock } = setup();
    mock.onGet("/orders/o1").reply(200, order("pending"));

    const result = await api.waitWhilePending("o1");

    expect(result.status).toBe("pending");
    expect(mock.history.get).toHaveLength(PAID_POLL_ATTEMPTS);
  });
});
