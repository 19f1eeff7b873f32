import { useCallback, useEffect, useState } from "react";
import { toApiError } from "../api/client";
import type { NewOrder, Order, Payment, RevocastApi, User } from "../api/revocast";
import { ErrorMessage } from "./ErrorMessage";
import { OrderForm } from "./OrderForm";
import { OrdersTable } from "./OrdersTable";
import { PaymentsTable } from "./PaymentsTable";

interface DashboardProps {
  api: RevocastApi;
  user: User;
  onLoggedOut: () => void;
}

/** Page of a logged-in user: account, order form, orders and payments. */
export function Dashboard({ api, user, onLoggedOut }: DashboardProps) {
  const [orders, setOrders] = useState<Order[]>([]);
  const [payments, setPayments] = useState<Payment[]>([]);
  // The order whose Pay or Cancel request is in flight.
  const [busyOrderId, setBusyOrderId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const [nextOrders, nextPayments] = await Promise.all([api.listOrders(), api.listPayments()]);
    setOrders(nextOrders);
    setPayments(nextPayments);
  }, [api]);

  useEffect(() => {
    reload().catch((failure: unknown) => setError(toApiError(failure).message));
  }, [reload]);

  // Runs one user action, shows its error, and reloads both lists afterwards.
  const run = async (action: () => Promise<unknown>, orderId: string | null = null) => {
    setBusyOrderId(orderId);
    setError(null);
    try {
      await action();
      await reload();
    } catch (failure) {
      setError(toApiError(failure).message);
    } finally {
      setBusyOrderId(null);
    }
  };

  const createOrder = (order: NewOrder) => run(() => api.createOrder(order));

  const pay = (order: Order) =>
    run(async () => {
      await api.pay(order.id);
      // Orders learns of the payment from an event, so the status changes a moment later.
      await api.waitWhilePending(order.id);
    }, order.id);

  const cancel = (order: Order) => run(() => api.cancelOrder(order.id), order.id);

  const logout = async () => {
    setError(null);
    try {
      await api.logout();
      onLoggedOut();
    } catch (failure) {
      setError(toApiError(failure).message);
    }
  };

  return (
    <>
      <section className="card whoami">
        <div>
          Logged in as <strong>{user.email}</strong>, role <strong>{user.role}</strong>
          <div className="muted">user id {user.id}</div>
        </div>
        <button type="button" onClick={logout} className="secondary">
          Log out
        </button>
      </section>
      <ErrorMessage message={error} />
      <OrderForm onCreate={createOrder} />
      <OrdersTable orders={orders} busyOrderId={busyOrderId} onPay={pay} onCancel={cancel} />
      <PaymentsTable payments={payments} />
    </>
  );
}
