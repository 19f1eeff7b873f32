import type { Order } from "../api/revocast";
import { formatMoney } from "../money";

interface OrdersTableProps {
  orders: Order[];
  busyOrderId: string | null;
  onPay: (order: Order) => void;
  onCancel: (order: Order) => void;
}

function describeItems(order: Order): string {
  return order.items.map((item) => `${item.quantity} × ${item.sku}`).join(", ");
}

export function OrdersTable({ orders, busyOrderId, onPay, onCancel }: OrdersTableProps) {
  return (
    <section className="card">
      <h2>My orders</h2>
      {orders.length === 0 ? (
        <p className="muted">No orders yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Created</th>
              <th>Items</th>
              <th className="number">Total</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr key={order.id} data-order-id={order.id}>
                <td>{new Date(order.created_at).toLocaleString()}</td>
                <td>{describeItems(order)}</td>
                <td className="number">{formatMoney(order.total_cents, order.currency)}</td>
                <td>
                  <span className={`status status-${order.status}`}>{order.status}</span>
                </td>
                <td>
                  {order.status === "pending" && (
                    <div className="actions">
                      <button
                        type="button"
                        disabled={busyOrderId !== null}
                        onClick={() => onPay(order)}
                      >
                        {busyOrderId === order.id ? "Working…" : "Pay"}
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        disabled={busyOrderId !== null}
                        onClick={() => onCancel(order)}
                      >
                        Cancel
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
