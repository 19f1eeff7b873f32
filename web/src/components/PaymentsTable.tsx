import type { Payment } from "../api/revocast";
import { formatMoney } from "../money";

export function PaymentsTable({ payments }: { payments: Payment[] }) {
  return (
    <section className="card">
      <h2>My payments</h2>
      {payments.length === 0 ? (
        <p className="muted">No payments yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Created</th>
              <th>Order</th>
              <th className="number">Amount</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {payments.map((payment) => (
              <tr key={payment.id}>
                <td>{new Date(payment.created_at).toLocaleString()}</td>
                <td className="mono">{payment.order_id}</td>
                <td className="number">{formatMoney(payment.amount_cents, payment.currency)}</td>
                <td>
                  <span className={`status status-${payment.status}`}>{payment.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
