// Typed calls of the auth, orders and payments APIs, as the UI uses them.
import type { AxiosInstance } from "axios";
import { ApiError, responseMessage } from "./client";

export interface User {
  id: string;
  email: string;
  role: string;
}

export interface OrderItem {
  sku: string;
  quantity: number;
  unit_price_cents: number;
}

export type OrderStatus = "pending" | "paid" | "cancelled";

export interface Order {
  id: string;
  user_id: string;
  items: OrderItem[];
  total_cents: number;
  currency: string;
  status: OrderStatus;
  created_at: string;
}

export interface NewOrder {
  items: OrderItem[];
  currency: string;
}

export interface Payment {
  id: string;
  order_id: string;
  amount_cents: number;
  currency: string;
  status: "succeeded" | "refunded";
  created_at: string;
}

// Payments responds 409 with Retry-After while the order's creation event has
// not reached it. These bound how long a payment keeps trying.
export const MAX_PAYMENT_ATTEMPTS = 10;
export const MAX_RETRY_AFTER_SECONDS = 5;
// Orders marks an order paid when the payment event arrives, shortly after the
// payment. These bound how long the UI polls for that.
export const PAID_POLL_ATTEMPTS = 20;
export const PAID_POLL_INTERVAL_MS = 250;

export type Sleep = (milliseconds: number) => Promise<void>;

const defaultSleep: Sleep = (milliseconds) =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Parse a Retry-After header in seconds, clamped to 0..MAX_RETRY_AFTER_SECONDS. Absent or invalid means 1. */
export function retryAfterSeconds(header: unknown): number {
  const seconds = typeof header === "string" ? Number(header) : NaN;
  if (!Number.isFinite(seconds)) {
    return 1;
  }
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS);
}

export class RevocastApi {
  private readonly client: AxiosInstance;
  private readonly sleep: Sleep;
  private readonly newIdempotencyKey: () => string;

  constructor(
    client: AxiosInstance,
    sleep: Sleep = defaultSleep,
    newIdempotencyKey: () => string = () => crypto.randomUUID(),
  ) {
    this.client = client;
    this.sleep = sleep;
    this.newIdempotencyKey = newIdempotencyKey;
  }

  async register(email: string, password: string): Promise<User> {
    return (await this.client.post<User>("/auth/register", { email, password })).data;
  }

  async login(email: string, password: string): Promise<User> {
    return (await this.client.post<User>("/auth/login", { email, password })).data;
  }

  async logout(): Promise<void> {
    await this.client.post("/auth/logout");
  }

  async me(): Promise<User> {
    return (await this.client.get<User>("/auth/me")).data;
  }

  async listOrders(): Promise<Order[]> {
    return (await this.client.get<Order[]>("/orders")).data;
  }

  async getOrder(orderId: string): Promise<Order> {
    return (await this.client.get<Order>(`/orders/${encodeURIComponent(orderId)}`)).data;
  }

  async createOrder(order: NewOrder): Promise<Order> {
    return (await this.client.post<Order>("/orders", order)).data;
  }

  async cancelOrder(orderId: string): Promise<void> {
    await this.client.delete(`/orders/${encodeURIComponent(orderId)}`);
  }

  async listPayments(): Promise<Payment[]> {
    return (await this.client.get<Payment[]>("/payments")).data;
  }

  /**
   * Pay an order, repeating the request while payments responds 409 with
   * Retry-After. Every attempt sends the same Idempotency-Key, so a repeat
   * cannot charge twice.
   */
  async pay(orderId: string): Promise<Payment> {
    const headers = { "Idempotency-Key": this.newIdempotencyKey() };
    for (let attempt = 1; attempt <= MAX_PAYMENT_ATTEMPTS; attempt++) {
      const response = await this.client.post<Payment>(
        "/payments",
        { order_id: orderId },
        { headers, validateStatus: (status) => status === 201 || status === 409 },
      );
      if (response.status === 201) {
        return response.data;
      }
      // A 409 without Retry-After is final: the order is not pending, or the key was used.
      const retryAfter: unknown = response.headers["retry-after"];
      if (retryAfter === undefined) {
        throw new ApiError(409, responseMessage(response));
      }
      if (attempt < MAX_PAYMENT_ATTEMPTS) {
        await this.sleep(retryAfterSeconds(retryAfter) * 1000);
      }
    }
    throw new ApiError(
      409,
      `Payments has not received order ${orderId} after ${MAX_PAYMENT_ATTEMPTS} attempts. Try again later.`,
    );
  }

  /** Poll the order until it is no longer pending, at most PAID_POLL_ATTEMPTS times. Returns its last state. */
  async waitWhilePending(orderId: string): Promise<Order> {
    let order = await this.getOrder(orderId);
    for (let poll = 1; poll < PAID_POLL_ATTEMPTS && order.status === "pending"; poll++) {
      await this.sleep(PAID_POLL_INTERVAL_MS);
      order = await this.getOrder(orderId);
    }
    return order;
  }
}
