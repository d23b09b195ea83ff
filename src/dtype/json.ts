/**
 * Metadata JSON with exact 64-bit integers. JSON.parse turns an int64/uint64 `fill_value` such as
 * 9007199254740993 into the nearest double (…992), and JSON.stringify cannot write a BigInt at all;
 * these two keep such values exact (JSON.parse's source-text access and JSON.rawJSON, which would do
 * it natively, arrive only in Node 21+).
 */

/** A plain JSON object (not null, not a list): the one definition, used across the metadata code. */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Parses a metadata document; a top-level integer `fill_value` beyond 2^53 becomes a BigInt read from
 * its digits in the text (when every such literal in the text agrees on them).
 */
export function parseMetadataJSON(text: string): unknown {
  const doc: unknown = JSON.parse(text);
  if (!isObject(doc)) return doc;
  const fill = doc.fill_value;
  if (typeof fill !== "number" || !Number.isInteger(fill) || Number.isSafeInteger(fill)) return doc;
  const literals = new Set<string>();
  for (const m of text.matchAll(/"fill_value"\s*:\s*(-?\d+)(?![.\deE])/g)) {
    if (Number(m[1]) === fill) literals.add(BigInt(m[1]).toString());
  }
  if (literals.size === 1) doc.fill_value = BigInt([...literals][0]);
  return doc;
}

const MARK = "\u0000bigint:";
const MARKED = new RegExp(`"${JSON.stringify(MARK).slice(1, -1).replace(/\\/g, "\\\\")}(-?\\d+)"`, "g");

/** JSON.stringify that writes BigInts as exact JSON numbers. */
export function stringifyJSON(value: unknown, space?: number): string {
  let big = false;
  const text = JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v !== "bigint") return v;
      big = true;
      return `${MARK}${v}`;
    },
    space,
  );
  return big ? text.replace(MARKED, "$1") : text;
}
