// Amounts travel as integers in the currency's minor unit (cents for EUR), as
// the orders and payments APIs store them.

/** Return how many decimals the currency's minor unit has: 2 for EUR, 0 for JPY. */
export function minorUnitDigits(currency: string): number {
  try {
    const format = new Intl.NumberFormat("en", { style: "currency", currency });
    return format.resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // Not a well-formed code. The API rejects it anyway, with its own message.
    return 2;
  }
}

/** Format an amount in minor units, e.g. 2500 EUR as "€25.00" in English. */
export function formatMoney(minorUnits: number, currency: string, locale?: string): string {
  const digits = minorUnitDigits(currency);
  const amount = minorUnits / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}

/**
 * Convert a price typed in major units ("12.50") to minor units (1250).
 * Uses string arithmetic, so no floating-point rounding is involved.
 * Throws an Error with a message for the user when the text is not a price.
 */
export function toMinorUnits(text: string, currency: string): number {
  const digits = minorUnitDigits(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) {
    throw new Error(`Invalid price "${text}": use digits and an optional decimal point, e.g. 12.50.`);
  }
  const [, whole, fraction = ""] = match;
  if (fraction.length > digits) {
    throw new Error(`Invalid price "${text}": ${currency} allows at most ${digits} decimals.`);
  }
  return Number(whole + fraction.padEnd(digits, "0"));
}
