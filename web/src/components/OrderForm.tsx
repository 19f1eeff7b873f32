import { type FormEvent, useState } from "react";
import type { NewOrder } from "../api/revocast";
import { toMinorUnits } from "../money";
import { ErrorMessage } from "./ErrorMessage";

interface OrderFormProps {
  /** Sends the order and reloads the lists. The dashboard shows a failure, so this never rejects. */
  onCreate: (order: NewOrder) => Promise<void>;
}

/**
 * Form that creates a one-item order. It converts the price to minor units and
 * leaves every other check to the services.
 */
export function OrderForm({ onCreate }: OrderFormProps) {
  const [sku, setSku] = useState("book-1");
  const [quantity, setQuantity] = useState("1");
  const [unitPrice, setUnitPrice] = useState("12.50");
  const [currency, setCurrency] = useState("EUR");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    let unitPriceCents: number;
    try {
      unitPriceCents = toMinorUnits(unitPrice, currency);
    } catch (failure) {
      setError((failure as Error).message);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await onCreate({
        items: [{ sku, quantity: Number(quantity), unit_price_cents: unitPriceCents }],
        currency,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card">
      <h2>New order</h2>
      <form onSubmit={submit} className="order-form">
        <label>
          SKU
          <input name="sku" required value={sku} onChange={(event) => setSku(event.target.value)} />
        </label>
        <label>
          Quantity
          <input
            name="quantity"
            type="number"
            min={1}
            step={1}
            required
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
          />
        </label>
        <label>
          Unit price
          <input
            name="unitPrice"
            inputMode="decimal"
            required
            value={unitPrice}
            onChange={(event) => setUnitPrice(event.target.value)}
          />
        </label>
        <label>
          Currency
          <input
            name="currency"
            required
            maxLength={3}
            value={currency}
            onChange={(event) => setCurrency(event.target.value.toUpperCase())}
          />
        </label>
        <button type="submit" disabled={busy}>
          Create order
        </button>
      </form>
      <ErrorMessage message={error} />
    </section>
  );
}
