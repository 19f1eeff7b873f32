import { describe, expect, it } from "vitest";
import { formatMoney, minorUnitDigits, toMinorUnits } from "./money";

describe("minorUnitDigits", () => {
  it.each([
    ["EUR", 2],
    ["JPY", 0],
    ["KWD", 3],
    ["eu", 2],
  ])("of %s is %d", (currency, expected) => {
    expect(minorUnitDigits(currency)).toBe(expected);
  });
});

describe("toMinorUnits", () => {
  it.each([
    ["12.50", "EUR", 1250],
    ["12.5", "EUR", 1250],
    ["12", "EUR", 1200],
    [" 0.01 ", "EUR", 1],
    ["1000", "JPY", 1000],
    ["1.234", "KWD", 1234],
  ])("converts %s %s to %d", (text, currency, expected) => {
    expect(toMinorUnits(text, currency)).toBe(expected);
  });

  it.each(["", "abc", "-1", "1,50", "1e3", ".5"])("rejects %j", (text) => {
    expect(() => toMinorUnits(text, "EUR")).toThrow(/Invalid price/);
  });

  it("rejects more decimals than the currency has", () => {
    expect(() => toMinorUnits("1.5", "JPY")).toThrow("JPY allows at most 0 decimals");
    expect(() => toMinorUnits("1.005", "EUR")).toThrow("EUR allows at most 2 decimals");
  });
});

describe("formatMoney", () => {
  it("formats minor units in the currency", () => {
    expect(formatMoney(2500, "EUR", "en-US")).toBe("€25.00");
    expect(formatMoney(1000, "JPY", "en-US")).toBe("¥1,000");
  });
});
