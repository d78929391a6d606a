/**
 * String-SVG primitives shared by the plots: escaping, fixed-precision numbers, elements, scales
 * and axis ticks. Everything is a pure function of its arguments, so a plot is byte-for-byte
 * reproducible.
 */

/** Escapes text for XML content and attribute values; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A coordinate or value with fixed precision; never "NaN", "Infinity" or "-0". */
export function num(x: number, digits = 1): string {
  if (!Number.isFinite(x)) throw new RangeError(`plots: non-finite number ${x}`);
  const s = x.toFixed(digits);
  const trimmed = digits > 0 ? s.replace(/\.?0+$/, "") : s;
  return trimmed === "-0" ? "0" : trimmed;
}

export type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? num(v) : escapeXml(v!)}"`)
    .join("");
}

/** A self-closing element (`rect`, `line`, `path`, `circle`). */
export const el = (name: string, a: Attrs): string => `<${name}${attrs(a)}/>`;

/** A `<text>` element; `content` is escaped here. */
export const text = (x: number, y: number, content: string, a: Attrs = {}): string =>
  `<text${attrs({ x, y, ...a })}>${escapeXml(content)}</text>`;

/** A group around already-rendered children. */
export const group = (a: Attrs, children: readonly string[]): string => `<g${attrs(a)}>\n${children.join("\n")}\n</g>`;

/** The document: white background, a `<title>` for accessibility, one trailing newline. */
export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width, height, viewBox: `0 0 ${num(width)} ${num(height)}` })} font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    el("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }),
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

/** Linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  if (span === 0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** A 1-2-5 step giving at most `maxTicks` intervals over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, maxTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** Tick values: multiples of a nice step inside [lo, hi], and the digits to print them with. */
export function ticks(lo: number, hi: number, maxTicks: number): { values: number[]; digits: number } {
  const step = niceStep(hi - lo, maxTicks);
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9; k++) values.push(Number((k * step).toFixed(digits)));
  return { values, digits };
}

/** Rough width of a label in pixels (for layout decisions only). */
export const textWidth = (s: string, fontSize: number): number => s.length * fontSize * 0.6;
