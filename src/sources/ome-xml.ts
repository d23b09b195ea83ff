/**
 * The parts of OME-XML (the metadata in an OME-TIFF's first ImageDescription) that a converter
 * needs: image size, plane order, plane → IFD mapping, physical sizes and channel names.
 *
 * Parsed with regular expressions over element attributes because no XML library is installed
 * and these elements are flat attribute lists; the first <Image> element is the one read.
 */
import { UnsupportedError, ValueError } from "../errors.js";

export interface OmeQuantity {
  value: number;
  /** The unit symbol as written (OME's default when absent: "µm" for lengths, "s" for time). */
  unit: string;
}

export interface OmeTiffData {
  ifd: number | undefined;
  firstZ: number;
  firstC: number;
  firstT: number;
  planeCount: number | undefined;
  /** The file a UUID child element names, when the image spans several files. */
  fileName: string | undefined;
}

export interface OmePixels {
  sizeX: number;
  sizeY: number;
  sizeZ: number;
  sizeC: number;
  sizeT: number;
  /** e.g. "XYZCT": X fastest, then Y, Z, C; T slowest. */
  dimensionOrder: string;
  type: string | undefined;
  physicalSizeX?: OmeQuantity;
  physicalSizeY?: OmeQuantity;
  physicalSizeZ?: OmeQuantity;
  timeIncrement?: OmeQuantity;
  channels: Array<{ name: string | undefined; samplesPerPixel: number | undefined }>;
  tiffData: OmeTiffData[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) => {
    if (e[0] === "#") {
      const code =
        e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e] ?? whole;
  });
}

/** Attributes of a start tag's text (everything between the element name and `>`). */
function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = m[1].replace(/^\w+:/, ""); // drop a namespace prefix
    out.set(name, unescapeXml(m[2] ?? m[3]));
  }
  return out;
}

/** Start tags `<Name ...>` or `<ns:Name .../>` of an element name, with their attribute text and body. */
function elements(xml: string, name: string): Array<{ attrs: Map<string, string>; body: string }> {
  const re = new RegExp(`<(?:[\\w.-]+:)?${name}\\b([^>]*?)(/?)>`, "g");
  const out: Array<{ attrs: Map<string, string>; body: string }> = [];
  for (const m of xml.matchAll(re)) {
    let body = "";
    if (m[2] !== "/") {
      const close = new RegExp(`</(?:[\\w.-]+:)?${name}\\s*>`, "g");
      close.lastIndex = m.index! + m[0].length;
      const c = close.exec(xml);
      body = c ? xml.slice(m.index! + m[0].length, c.index) : "";
    }
    out.push({ attrs: attributes(m[1]), body });
  }
  return out;
}

/** Whether an ImageDescription holds OME-XML. */
export function isOmeXml(description: string | undefined): boolean {
  return (
    description !== undefined &&
    /<(?:[\w.-]+:)?OME\b/.test(description) &&
    /<(?:[\w.-]+:)?Pixels\b/.test(description)
  );
}

export function parseOmeXml(xml: string, file: string): OmePixels {
  const image = elements(xml, "Image")[0];
  const pixels = image ? elements(image.body, "Pixels")[0] : undefined;
  if (!pixels) throw new ValueError(`${file}: OME-XML has no <Image><Pixels> element`);
  const a = pixels.attrs;
  const size = (key: string): number => {
    const v = Number(a.get(key));
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new ValueError(`${file}: OME-XML Pixels ${key}="${a.get(key) ?? ""}" must be a positive integer`);
    }
    return v;
  };
  const quantity = (key: string, defaultUnit: string): OmeQuantity | undefined => {
    const text = a.get(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) return undefined;
    return { value, unit: a.get(`${key}Unit`) ?? defaultUnit };
  };
  const dimensionOrder = (a.get("DimensionOrder") ?? "XYZCT").toUpperCase();
  if (!/^XY(ZCT|ZTC|CZT|CTZ|TZC|TCZ)$/.test(dimensionOrder)) {
    throw new ValueError(`${file}: OME-XML DimensionOrder "${dimensionOrder}" is not a valid order`);
  }
  const int = (v: string | undefined, dflt: number) => (v === undefined ? dflt : Number(v));
  const tiffData = elements(pixels.body, "TiffData").map(({ attrs, body }): OmeTiffData => {
    const uuid = elements(body, "UUID")[0];
    const planeCount = attrs.get("PlaneCount") ?? attrs.get("NumPlanes"); // NumPlanes: pre-2008 schemas
    return {
      ifd: attrs.has("IFD") ? Number(attrs.get("IFD")) : undefined,
      firstZ: int(attrs.get("FirstZ"), 0),
      firstC: int(attrs.get("FirstC"), 0),
      firstT: int(attrs.get("FirstT"), 0),
      planeCount: planeCount === undefined ? undefined : Number(planeCount),
      fileName: uuid?.attrs.get("FileName"),
    };
  });
  for (const td of tiffData) {
    for (const v of [td.ifd ?? 0, td.firstZ, td.firstC, td.firstT, td.planeCount ?? 0]) {
      if (!(Number.isInteger(v) && v >= 0))
        throw new ValueError(`${file}: OME-XML TiffData has a bad number (${v})`);
    }
  }
  const channels = elements(pixels.body, "Channel").map(({ attrs }) => ({
    name: attrs.get("Name"),
    samplesPerPixel: attrs.has("SamplesPerPixel") ? Number(attrs.get("SamplesPerPixel")) : undefined,
  }));
  return {
    sizeX: size("SizeX"),
    sizeY: size("SizeY"),
    sizeZ: size("SizeZ"),
    sizeC: size("SizeC"),
    sizeT: size("SizeT"),
    dimensionOrder,
    type: a.get("Type"),
    physicalSizeX: quantity("PhysicalSizeX", "µm"),
    physicalSizeY: quantity("PhysicalSizeY", "µm"),
    physicalSizeZ: quantity("PhysicalSizeZ", "µm"),
    timeIncrement: quantity("TimeIncrement", "s"),
    channels,
    tiffData,
  };
}

/**
 * The IFD of every plane, indexed `(t * effectiveC + c) * sizeZ + z`, from the TiffData elements
 * (or, without any, planes stored in DimensionOrder from IFD 0). `effectiveC` counts planes per
 * time point and slice: SizeC / samples per pixel.
 */
export function omePlaneIfds(
  px: OmePixels,
  effectiveC: number,
  file: string,
  fileBaseName: string,
): Int32Array {
  const { sizeZ: Z, sizeT: T } = px;
  const C = effectiveC;
  const total = Z * C * T;
  // Plane index in DimensionOrder → (z, c, t) strides.
  const sizes: Record<string, number> = { Z, C, T };
  const stride: Record<string, number> = {};
  let s = 1;
  for (const letter of px.dimensionOrder.slice(2)) {
    stride[letter] = s;
    s *= sizes[letter];
  }
  const planeIndex = (z: number, c: number, t: number) => z * stride.Z + c * stride.C + t * stride.T;
  const byPlane = new Int32Array(total).fill(-1);
  const entries = px.tiffData.length > 0 ? px.tiffData : [undefined];
  for (const td of entries) {
    if (td?.fileName !== undefined && td.fileName !== fileBaseName) {
      throw new UnsupportedError(
        `${file}: this OME-TIFF stores planes in another file (${td.fileName}); multi-file OME-TIFF is not supported`,
      );
    }
    const first = td ? planeIndex(td.firstZ, td.firstC, td.firstT) : 0;
    const ifd = td?.ifd ?? 0;
    // OME schema: PlaneCount defaults to 1 when IFD is given, else to all (remaining) planes.
    const count = td?.planeCount ?? (td?.ifd !== undefined && px.tiffData.length > 1 ? 1 : total - first);
    for (let k = 0; k < count && first + k < total; k++) byPlane[first + k] = ifd + k;
  }
  const out = new Int32Array(total);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) {
      for (let z = 0; z < Z; z++) {
        const ifd = byPlane[planeIndex(z, c, t)];
        if (ifd < 0) throw new ValueError(`${file}: OME-XML maps no IFD to plane z=${z} c=${c} t=${t}`);
        out[(t * C + c) * Z + z] = ifd;
      }
    }
  }
  return out;
}
