import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Blosc,
  Bytes,
  BZ2,
  Crc32c,
  Delta,
  FixedScaleOffset,
  GZip,
  LZ4,
  Sharding,
  Shuffle,
  Transpose,
  toV3Codec,
  Zlib,
  Zstd,
} from "../../src/codecs/index.js";
import type { V3CodecJSON } from "../../src/codecs/types.js";
import { validateV2Codec, validateV3Codecs, wasValidated } from "../../src/codecs/validate.js";
import type { DataType } from "../../src/dtype/index.js";
import type { SpecError } from "../../src/errors.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { python } from "./helpers.js";

const bytes = { name: "bytes", configuration: { endian: "little" } };
const zstd = (configuration: Record<string, unknown>) => ({ name: "zstd", configuration });
const blosc = (over: Record<string, unknown>) => ({
  name: "blosc",
  configuration: { cname: "zstd", clevel: 5, shuffle: "shuffle", typesize: 2, blocksize: 0, ...over },
});

/** [label, codecs, data type, chunk shape, paths that must be reported] */
const V3_BAD: [string, unknown, DataType, number[], string[]][] = [
  ["not a list", { name: "bytes" }, "uint8", [4], ["codecs"]],
  ["not an object", [42], "uint8", [4], ["codecs[0]"]],
  ["no name", [{}], "uint8", [4], ["codecs[0].name"]],
  [
    "configuration not an object",
    [{ name: "bytes", configuration: 5 }],
    "uint8",
    [4],
    ["codecs[0].configuration"],
  ],
  ["unknown codec", [bytes, { name: "lzma" }], "uint8", [4], ["codecs[1].name"]],
  ["prototype key as name", [bytes, { name: "constructor" }], "uint8", [4], ["codecs[1].name"]],
  ["endian missing for uint16", [{ name: "bytes" }], "uint16", [4], ["codecs[0].configuration.endian"]],
  [
    "endian invalid",
    [{ name: "bytes", configuration: { endian: "middle" } }],
    "uint8",
    [4],
    ["codecs[0].configuration.endian"],
  ],
  ["no array-to-bytes codec", [zstd({ level: 1 })], "uint8", [4], ["codecs[0].name", "codecs"]],
  [
    "array-to-array after bytes",
    [bytes, { name: "transpose", configuration: { order: [0] } }],
    "uint8",
    [4],
    ["codecs[1].name"],
  ],
  ["two array-to-bytes codecs", [bytes, bytes], "uint8", [4], ["codecs[1].name"]],
  [
    "transpose not a permutation",
    [{ name: "transpose", configuration: { order: [0, 0, 1] } }, bytes],
    "uint8",
    [2, 3, 4],
    ["codecs[0].configuration.order"],
  ],
  [
    "transpose wrong length",
    [{ name: "transpose", configuration: { order: [1, 0] } }, bytes],
    "uint8",
    [2, 3, 4],
    ["codecs[0].configuration.order"],
  ],
  [
    "zstd level too high",
    [bytes, zstd({ level: 23, checksum: false })],
    "uint8",
    [4],
    ["codecs[1].configuration.level"],
  ],
  [
    "zstd level not an integer",
    [bytes, zstd({ level: 2.5 })],
    "uint8",
    [4],
    ["codecs[1].configuration.level"],
  ],
  [
    "zstd checksum not boolean",
    [bytes, zstd({ level: 1, checksum: "yes" })],
    "uint8",
    [4],
    ["codecs[1].configuration.checksum"],
  ],
  ["blosc cname", [bytes, blosc({ cname: "lzma" })], "uint16", [4], ["codecs[1].configuration.cname"]],
  ["blosc clevel", [bytes, blosc({ clevel: 10 })], "uint16", [4], ["codecs[1].configuration.clevel"]],
  [
    "blosc numeric shuffle in v3",
    [bytes, blosc({ shuffle: 1 })],
    "uint16",
    [4],
    ["codecs[1].configuration.shuffle"],
  ],
  ["blosc typesize", [bytes, blosc({ typesize: 0 })], "uint16", [4], ["codecs[1].configuration.typesize"]],
  [
    "gzip level",
    [bytes, { name: "gzip", configuration: { level: 10 } }],
    "uint8",
    [4],
    ["codecs[1].configuration.level"],
  ],
  ["crc32c before bytes", [{ name: "crc32c" }, bytes], "uint8", [4], ["codecs[0].name"]],
  [
    "delta dtype mismatch",
    [{ name: "numcodecs.delta", configuration: { dtype: "<i4" } }, bytes],
    "uint16",
    [4],
    ["codecs[0].configuration.dtype"],
  ],
  [
    "bitround on integers",
    [{ name: "numcodecs.bitround", configuration: { keepbits: 3 } }, bytes],
    "int16",
    [4],
    ["codecs[0].configuration"],
  ],
  [
    "shard not divisible",
    [{ name: "sharding_indexed", configuration: { chunk_shape: [3, 4], codecs: [bytes] } }],
    "uint8",
    [8, 8],
    ["codecs[0].configuration.chunk_shape[0]"],
  ],
  [
    "shard rank",
    [{ name: "sharding_indexed", configuration: { chunk_shape: [4], codecs: [bytes] } }],
    "uint8",
    [8, 8],
    ["codecs[0].configuration.chunk_shape"],
  ],
  [
    "bad inner codec",
    [
      {
        name: "sharding_indexed",
        configuration: { chunk_shape: [4, 4], codecs: [bytes, zstd({ level: 99 })] },
      },
    ],
    "uint8",
    [8, 8],
    ["codecs[0].configuration.codecs[1].configuration.level"],
  ],
  [
    "variable-size index codec",
    [
      {
        name: "sharding_indexed",
        configuration: { chunk_shape: [4, 4], codecs: [bytes], index_codecs: [bytes, zstd({ level: 1 })] },
      },
    ],
    "uint8",
    [8, 8],
    ["codecs[0].configuration.index_codecs[1].name"],
  ],
  [
    "index location",
    [
      {
        name: "sharding_indexed",
        configuration: { chunk_shape: [4, 4], codecs: [bytes], index_location: "middle" },
      },
    ],
    "uint8",
    [8, 8],
    ["codecs[0].configuration.index_location"],
  ],
];

/** [label, json, path, paths that must be reported] */
const V2_BAD: [string, unknown, string, string[]][] = [
  ["not an object", "zstd", "compressor", ["compressor"]],
  ["id not a string", { id: 5 }, "compressor", ["compressor.id"]],
  ["unknown id", { id: "lzma" }, "compressor", ["compressor.id"]],
  ["prototype key as id", { id: "toString" }, "compressor", ["compressor.id"]],
  ["blosc cname", { id: "blosc", cname: "lzma", clevel: 5, shuffle: 1 }, "compressor", ["compressor.cname"]],
  [
    "blosc clevel",
    { id: "blosc", cname: "lz4", clevel: 10, shuffle: 1 },
    "compressor",
    ["compressor.clevel"],
  ],
  [
    "blosc shuffle",
    { id: "blosc", cname: "lz4", clevel: 5, shuffle: 3 },
    "compressor",
    ["compressor.shuffle"],
  ],
  [
    "blosc blocksize",
    { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: -1 },
    "compressor",
    ["compressor.blocksize"],
  ],
  ["zstd level type", { id: "zstd", level: "5" }, "compressor", ["compressor.level"]],
  ["gzip level", { id: "gzip", level: 10 }, "compressor", ["compressor.level"]],
  ["zlib level", { id: "zlib", level: -1 }, "compressor", ["compressor.level"]],
  ["lz4 acceleration", { id: "lz4", acceleration: 1.5 }, "compressor", ["compressor.acceleration"]],
  ["bz2 level", { id: "bz2", level: 0 }, "compressor", ["compressor.level"]],
  ["delta dtype missing", { id: "delta" }, "filters[0]", ["filters[0].dtype"]],
  ["delta astype unknown", { id: "delta", dtype: "<i2", astype: "<q9" }, "filters[1]", ["filters[1].astype"]],
  [
    "fso scale zero",
    { id: "fixedscaleoffset", offset: 0, scale: 0, dtype: "<f4" },
    "filters[0]",
    ["filters[0].scale"],
  ],
  [
    "fso offset missing",
    { id: "fixedscaleoffset", scale: 1, dtype: "<f4" },
    "filters[0]",
    ["filters[0].offset"],
  ],
  ["shuffle elementsize", { id: "shuffle", elementsize: -2 }, "filters[0]", ["filters[0].elementsize"]],
];

describe("validateV3Codecs", () => {
  for (const [label, codecs, dt, shape, paths] of V3_BAD) {
    it(`reports ${label} at ${paths.join(", ")}`, () => {
      const issues = validateV3Codecs(codecs, dt, shape);
      assert.deepEqual(issues.map((i) => i.path).sort(), [...paths].sort(), JSON.stringify(issues, null, 1));
      for (const i of issues) assert.ok(i.message.length > 10, `message says which rule: ${i.message}`);
    });
  }

  it("accepts the codec lists zarr-python, zarrita and zarrs write", () => {
    const good: [unknown, DataType, number[]][] = [
      [[{ name: "bytes" }], "uint8", [4]],
      [[bytes, zstd({ level: 0, checksum: false })], "float32", [5, 5]],
      [
        [{ name: "transpose", configuration: { order: [1, 0] } }, bytes, blosc({ shuffle: "bitshuffle" })],
        "uint16",
        [3, 4],
      ],
      [
        [bytes, { name: "blosc", configuration: { cname: "lz4", clevel: 5, shuffle: "noshuffle" } }],
        "uint16",
        [4],
      ],
      [[bytes, { name: "numcodecs.adler32", configuration: {} }], "float32", [5, 5]],
      [[{ name: "numcodecs.delta", configuration: { dtype: "int32" } }, bytes], "int32", [4]],
      [[bytes, { name: "numcodecs.zlib", configuration: { level: 8 } }, { name: "crc32c" }], "int16", [4]],
      [
        [Sharding({ chunk_shape: [2, 2], codecs: [bytes, { name: "gzip", configuration: { level: 5 } }] })],
        "int16",
        [4, 4],
      ],
    ];
    for (const [codecs, dt, shape] of good)
      assert.deepEqual(validateV3Codecs(codecs, dt, shape), [], JSON.stringify(codecs));
  });
});

describe("validateV2Codec", () => {
  for (const [label, json, path, paths] of V2_BAD) {
    it(`reports ${label} at ${paths.join(", ")}`, () => {
      assert.deepEqual(
        validateV2Codec(json, path).map((i) => i.path),
        paths,
      );
    });
  }
});

describe("codec builders", () => {
  it("write exactly what numcodecs' get_config writes", { skip: needs(pythonModules("numcodecs")) }, () => {
    const ours = [
      Zstd({ level: 5 }),
      Blosc(),
      Blosc({ cname: "zstd", clevel: 3, shuffle: "bitshuffle", blocksize: 4096 }),
      GZip({ level: 6 }),
      Zlib(),
      LZ4({ acceleration: 2 }),
      BZ2({ level: 9 }),
      Delta({ dtype: "uint16" }),
      Delta({ dtype: "<i4", astype: "int16" }),
      Shuffle(),
      FixedScaleOffset({ offset: 1000, scale: 10, dtype: "float32", astype: "int16" }),
    ];
    const theirs = python<unknown[]>(
      `
import numcodecs
OUTPUT = [numcodecs.get_codec(dict(c)).get_config() for c in INPUT]
`,
      ours,
    );
    // Same keys in the same order, same values.
    assert.deepEqual(
      ours.map((c) => JSON.stringify(c)),
      theirs.map((c) => JSON.stringify(c)),
    );
    assert.deepEqual(Zstd({ level: 5 }), { id: "zstd", level: 5 });
    assert.deepEqual(Zstd({ level: 1, checksum: true }), { id: "zstd", level: 1, checksum: true });
  });

  it("write v3 codecs", () => {
    assert.deepEqual(Bytes(), { name: "bytes", configuration: { endian: "little" } });
    assert.deepEqual(Bytes({}), { name: "bytes" });
    assert.deepEqual(Transpose({ order: [2, 0, 1] }), {
      name: "transpose",
      configuration: { order: [2, 0, 1] },
    });
    assert.deepEqual(Crc32c(), { name: "crc32c" });
    assert.deepEqual(Sharding({ chunk_shape: [32, 32] }), {
      name: "sharding_indexed",
      configuration: {
        chunk_shape: [32, 32],
        codecs: [{ name: "bytes", configuration: { endian: "little" } }],
        index_codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }],
        index_location: "end",
      },
    });
  });

  it("throw SpecError naming the option", () => {
    const path = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as SpecError).issues.map((i) => i.path);
      }
      return [];
    };
    assert.deepEqual(
      path(() => Zstd({ level: 30 })),
      ["zstd.level"],
    );
    assert.deepEqual(
      path(() => Blosc({ clevel: -1 })),
      ["blosc.clevel"],
    );
    assert.deepEqual(
      path(() => Blosc({ cname: "brotli" as "lz4" })),
      ["blosc.cname"],
    );
    assert.deepEqual(
      path(() => GZip({ level: 11 })),
      ["gzip.level"],
    );
    assert.deepEqual(
      path(() => Transpose({ order: [0, 2] })),
      ["transpose.order"],
    );
    assert.deepEqual(
      path(() => Delta({ dtype: "text" })),
      ["delta.dtype"],
    );
    assert.deepEqual(
      path(() => Sharding({ chunk_shape: [0, 4] })),
      ["sharding_indexed.chunk_shape"],
    );
  });

  it("convert v2 codecs to the v3 codecs zarr-python 3 writes", () => {
    const cases: [Record<string, unknown>, DataType, V3CodecJSON][] = [
      [Zstd({ level: 5 }), "uint16", { name: "zstd", configuration: { level: 5, checksum: false } }],
      [
        Blosc({ cname: "zstd", clevel: 5, shuffle: 1 }),
        "uint16",
        {
          name: "blosc",
          configuration: { cname: "zstd", clevel: 5, shuffle: "shuffle", typesize: 2, blocksize: 0 },
        },
      ],
      [
        Blosc({ shuffle: -1 }),
        "uint8",
        {
          name: "blosc",
          configuration: { cname: "lz4", clevel: 5, shuffle: "bitshuffle", typesize: 1, blocksize: 0 },
        },
      ],
      [GZip({ level: 5 }), "float32", { name: "gzip", configuration: { level: 5 } }],
      [Zlib({ level: 8 }), "float32", { name: "numcodecs.zlib", configuration: { level: 8 } }],
      [LZ4(), "float32", { name: "numcodecs.lz4", configuration: { acceleration: 1 } }],
      [BZ2({ level: 9 }), "float32", { name: "numcodecs.bz2", configuration: { level: 9 } }],
      [
        Shuffle({ elementsize: 2 }),
        "uint16",
        { name: "numcodecs.shuffle", configuration: { elementsize: 2 } },
      ],
    ];
    for (const [v2, dt, v3] of cases) {
      assert.deepEqual(toV3Codec(v2 as { id: string }, dt), v3);
      assert.deepEqual(validateV3Codecs([Bytes(), v3], dt, [4]), [], JSON.stringify(v3));
    }
  });
});

describe("one check per codec list", () => {
  it("remembers a list that passed, for its data type and chunk shape only", () => {
    const codecs = [{ name: "transpose", configuration: { order: [1, 0] } }, bytes, zstd({ level: 3 })];
    assert.equal(wasValidated(codecs, "uint16", [3, 4]), false);
    assert.deepEqual(validateV3Codecs(codecs, "uint16", [3, 4]), []);
    assert.equal(wasValidated(codecs, "uint16", [3, 4]), true);
    assert.equal(wasValidated(codecs, "uint16", [4, 3]), false, "another chunk shape is checked again");
    assert.equal(wasValidated(codecs, "float32", [3, 4]), false, "another data type is checked again");
    const bad = [bytes, zstd({ level: 99 })];
    assert.notDeepEqual(validateV3Codecs(bad, "uint16", [4]), []);
    assert.equal(wasValidated(bad, "uint16", [4]), false);
  });

  it("follows the spec through array-to-array codecs without building them", () => {
    // delta stores int16 values as uint8: the bytes codec after it must then need no endian
    const codecs = [
      { name: "numcodecs.delta", configuration: { dtype: "<i2", astype: "|u1" } },
      { name: "bytes" },
    ];
    assert.deepEqual(validateV3Codecs(codecs, "int16", [4]), []);
    const noEndian = [{ name: "numcodecs.delta", configuration: { dtype: "<i2" } }, { name: "bytes" }];
    assert.deepEqual(
      validateV3Codecs(noEndian, "int16", [4]).map((i) => i.path),
      ["codecs[1].configuration.endian"],
    );
  });
});
