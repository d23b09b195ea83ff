/** Test helpers: the official OME-NGFF JSON schemas (Ajv 2020), conformance paths, in-memory hierarchies. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { MemoryStore } from "../../src/store/memory.js";

export const CONFORMANCE = join(process.cwd(), "../shared/conformance");

const validators = new Map<string, Ajv2020>();

function ajvFor(version: "0.4" | "0.5"): Ajv2020 {
  let ajv = validators.get(version);
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    const dir = join(CONFORMANCE, "ngff", version, "schemas");
    for (const f of readdirSync(dir)) ajv.addSchema(JSON.parse(readFileSync(join(dir, f), "utf8")));
    validators.set(version, ajv);
  }
  return ajv;
}

/** A function telling whether a document passes the official `<name>` schema (e.g. "strict_plate.schema"). */
export function schemaValidator(version: "0.4" | "0.5", name: string): (doc: unknown) => boolean {
  const dir = join(CONFORMANCE, "ngff", version, "schemas");
  const id = JSON.parse(readFileSync(join(dir, name), "utf8")).$id as string;
  const validate = ajvFor(version).getSchema(id);
  if (!validate) throw new Error(`schema ${id} not registered`);
  return (doc) => validate(doc) as boolean;
}

const encoder = new TextEncoder();

/** A metadata-only store holding `docs` (relative key → JSON document), e.g. `{ "zarr.json": {...}, "0/zarr.json": {...} }`. */
export function storeOf(docs: Record<string, unknown>): MemoryStore {
  const store = new MemoryStore();
  for (const [key, doc] of Object.entries(docs)) void store.set(key, encoder.encode(JSON.stringify(doc)));
  return store;
}

/** A Zarr v3 array spec document (uncompressed, chunks of at most 16). */
export const v3spec = (shape: number[], data_type = "uint16") => ({
  zarr_format: 3,
  node_type: "array",
  shape,
  data_type,
  chunk_grid: { name: "regular", configuration: { chunk_shape: shape.map((s) => Math.min(s, 16)) } },
  chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
  fill_value: 0,
  codecs: [{ name: "bytes", configuration: { endian: "little" } }],
});
