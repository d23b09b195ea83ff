/**
 * Decodes the shared conformance arrays (written by zarr-python, zarrita.js and zarrs) chunk by
 * chunk through CodecPipeline and compares them with expected.json; arrays using codecs zarrsmith
 * does not implement must fail with UnsupportedError.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CodecPipeline } from "../../src/codecs/pipeline.js";
import { copyBox, forEachIndex } from "../../src/codecs/region.js";
import type { ChunkSpec } from "../../src/codecs/types.js";
import {
  type DataType,
  isDataType,
  lanes,
  parseFillValue,
  parseV2DType,
  type TypedArray,
  toBytes,
} from "../../src/dtype/index.js";
import { UnsupportedError } from "../../src/errors.js";
import { full } from "../../src/ndarray.js";
import { needs, SHARED, shared } from "../helpers/requirements.js";

const ROOT = join(SHARED, "conformance/zarr");
const skip = needs(shared("conformance/zarr"));

interface Expected {
  path: string;
  zarr_format: 2 | 3;
  shape: number[];
  dtype: string;
  values_c_order?: unknown[];
  sha256_c_order_bytes?: string;
  tolerance?: number;
}

interface Opened {
  dataType: DataType;
  chunkShape: number[];
  pipeline: CodecPipeline;
  spec: ChunkSpec;
  key(idx: number[]): string;
}

function open(dir: string, format: 2 | 3): Opened | "unsupported-dtype" {
  if (format === 2) {
    const meta = JSON.parse(readFileSync(join(dir, ".zarray"), "utf8"));
    const dt = parseV2DType(meta.dtype);
    if (!dt) return "unsupported-dtype";
    const spec = {
      shape: meta.chunks,
      dataType: dt.dataType,
      fillValue: parseFillValue(meta.fill_value, dt.dataType, 2),
    };
    const sep = meta.dimension_separator ?? ".";
    return {
      dataType: dt.dataType,
      chunkShape: meta.chunks,
      spec,
      pipeline: CodecPipeline.fromV2(meta, spec),
      key: (idx) => idx.join(sep),
    };
  }
  const meta = JSON.parse(readFileSync(join(dir, "zarr.json"), "utf8"));
  if (!isDataType(meta.data_type)) return "unsupported-dtype";
  const chunkShape = meta.chunk_grid.configuration.chunk_shape;
  const spec = {
    shape: chunkShape,
    dataType: meta.data_type,
    fillValue: parseFillValue(meta.fill_value, meta.data_type, 3),
  };
  const enc = meta.chunk_key_encoding;
  const sep = enc.configuration?.separator ?? (enc.name === "v2" ? "." : "/");
  return {
    dataType: meta.data_type,
    chunkShape,
    spec,
    pipeline: CodecPipeline.fromV3(meta.codecs, spec),
    key: (idx) => (enc.name === "v2" ? idx.join(sep) : ["c", ...idx].join(sep)),
  };
}

async function readWhole(dir: string, shape: number[], a: Opened): Promise<TypedArray> {
  const out = full(shape, a.dataType, a.spec.fillValue);
  const L = lanes(a.dataType);
  const grid = shape.map((s, k) => Math.ceil(s / a.chunkShape[k]));
  const indices: number[][] = [];
  forEachIndex(grid, (idx) => {
    indices.push([...idx]);
  });
  for (const idx of indices) {
    const file = join(dir, a.key(idx));
    if (!existsSync(file)) continue;
    const chunk = await a.pipeline.decode(new Uint8Array(readFileSync(file)));
    const start = idx.map((c, k) => c * a.chunkShape[k]);
    copyBox(
      { data: chunk.data, shape: a.chunkShape, start: a.chunkShape.map(() => 0) },
      { data: out.data, shape, start },
      start.map((s, k) => Math.min(a.chunkShape[k], shape[k] - s)),
      L,
    );
  }
  return out.data;
}

function same(actual: unknown, expected: unknown, tol: number): boolean {
  if (typeof expected === "string")
    return String(actual) === expected || (expected === "NaN" && Number.isNaN(actual));
  if (typeof expected === "boolean") return Boolean(actual) === expected;
  if (typeof actual === "bigint") return actual === BigInt(expected as number);
  return Math.abs((actual as number) - (expected as number)) <= tol;
}

const expected: Expected[] = skip ? [] : JSON.parse(readFileSync(join(ROOT, "expected.json"), "utf8")).arrays;

describe("conformance arrays decode through CodecPipeline", { skip }, () => {
  it("every numeric array with supported codecs matches expected.json; others are unsupported", async () => {
    let decoded = 0;
    let unsupported = 0;
    for (const e of expected) {
      const dir = join(ROOT, e.path);
      let a: Opened | "unsupported-dtype";
      try {
        a = open(dir, e.zarr_format);
      } catch (err) {
        assert.ok(err instanceof UnsupportedError, `${e.path}: expected UnsupportedError, got ${err}`);
        assert.match((err as Error).message, /not supported/);
        unsupported++;
        continue;
      }
      if (a === "unsupported-dtype") continue;
      const data = await readWhole(dir, e.shape, a);
      if (e.sha256_c_order_bytes) {
        const digest = createHash("sha256")
          .update(toBytes(data, a.dataType, "little"))
          .digest("hex");
        assert.equal(digest, e.sha256_c_order_bytes, e.path);
      } else {
        const values = e.values_c_order!;
        const flat = data as unknown as ArrayLike<number | bigint>;
        const L = lanes(a.dataType);
        assert.equal(flat.length, values.length * L, e.path);
        for (let i = 0; i < values.length; i++) {
          assert.ok(
            same(flat[i], values[i], e.tolerance ?? 0),
            `${e.path}[${i}]: ${flat[i]} != ${values[i]}`,
          );
        }
      }
      decoded++;
    }
    // 90 at the time of writing: zarr-implementations, zarrita-js numeric arrays, zarrs' supported codecs.
    assert.ok(decoded >= 85, `decoded only ${decoded} arrays`);
    assert.ok(
      unsupported >= 6,
      `only ${unsupported} arrays reported unsupported codecs (pcodec, zfpy, vlen)`,
    );
  });
});
