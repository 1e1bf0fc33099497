// Decimal numbers as scaled integers (BigInt), for prices, volumes and money that the API
// sends as decimal strings. No floating point: "1.08512" is {units: 108512n, scale: 5}.

/** Parses a decimal string ("-12.5", "0.10", "3") into {units, scale}; null when it is not one. */
export function parse(text) {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text ?? "").trim());
  if (!match) return null;
  const fraction = match[3] ?? "";
  const units = BigInt(match[2] + fraction);
  return { units: match[1] === "-" ? -units : units, scale: fraction.length };
}

/** The same number at a larger scale (never loses digits). */
function widen(d, scale) {
  return { units: d.units * 10n ** BigInt(scale - d.scale), scale };
}

/** Rounds to `scale` digits, half away from zero. */
export function round(d, scale) {
  if (d.scale <= scale) return widen(d, scale);
  const divisor = 10n ** BigInt(d.scale - scale);
  const negative = d.units < 0n;
  const magnitude = negative ? -d.units : d.units;
  let q = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) q += 1n;
  return { units: negative ? -q : q, scale };
}

export function add(a, b) {
  const s = Math.max(a.scale, b.scale);
  return { units: widen(a, s).units + widen(b, s).units, scale: s };
}

export function sub(a, b) {
  return add(a, { units: -b.units, scale: b.scale });
}

export function mul(a, b) {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** -1, 0 or 1. */
export function compare(a, b) {
  const s = Math.max(a.scale, b.scale);
  const x = widen(a, s).units, y = widen(b, s).units;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The text at exactly `digits` decimals (rounded), e.g. format(parse("10000.00000000"), 2) → "10000.00". */
export function format(d, digits) {
  const r = round(d, digits);
  const negative = r.units < 0n;
  const text = (negative ? -r.units : r.units).toString().padStart(digits + 1, "0");
  const whole = digits > 0 ? text.slice(0, -digits) : text;
  const fraction = digits > 0 ? "." + text.slice(-digits) : "";
  return (negative && r.units !== 0n ? "-" : "") + whole + fraction;
}

/** A decimal string rounded for display (server money at 1e-8 shown at 2 decimals); the text itself when it is not a number. */
export function display(text, digits) {
  const d = parse(text);
  return d ? format(d, digits) : String(text ?? "");
}
