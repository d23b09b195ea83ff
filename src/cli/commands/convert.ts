/**
 * `zarrsmith convert INPUT... OUTPUT` — an image file, a slice stack or Zarr data → a multiscale
 * OME-Zarr image (pyramid.write) or, with --plain, a single Zarr array written block by block.
 * The command only turns flags and the input's metadata into library options.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import {
  type CopyArrayResult,
  type codecs,
  copyArray,
  detectFormat,
  Group,
  isGlob,
  isOzxPath,
  ome,
  open,
  openOzx,
  pyramid,
  scale,
  WorkerPool,
} from "../../index.js";
import {
  addExecutorOptions,
  checkExecutorFlags,
  type ExecutorFlags,
  runExecutor,
} from "../executor-flags.js";
import { type Input, openInput } from "../inputs.js";
import { guardStore, interruptible, interruptSignal } from "../interrupt.js";
import { finishOutput, isS3URL, openOutputStore, outputLocation, storedBytes } from "../locations.js";
import { CliError, formatBytes, type GlobalOptions, printResult } from "../output.js";
import {
  normalizeUnitFlag,
  oneOf,
  parseBytes,
  parseCodec,
  parseDataType,
  parseInteger,
  parseIntList,
  parseNumberList,
  warner,
} from "../parse.js";
import { createProgress } from "../progress.js";
import { s3Options } from "../s3-flags.js";
import { looksLikeZarr } from "../stores.js";
import { levelTable, storageOf } from "../summary.js";
import { cliOutputError, commitOutput, prepareOutput, writePyramid, writeTarget } from "../write-output.js";
import { stem } from "./demo.js";
import { planOnly } from "./tasks.js";

interface ConvertOptions extends ExecutorFlags {
  planOnly?: boolean;
  tasks?: string;
  taskSize?: string;
  chunks?: string;
  shards?: string;
  codec: string;
  levels: string;
  method?: string;
  labels?: boolean;
  addLabels?: string;
  downsampleAxes: string;
  scale?: string;
  units?: string;
  axes?: string;
  translation?: string;
  translations?: string;
  paths?: string;
  name?: string;
  omeZarrVersion?: string;
  transform?: string;
  plain?: boolean;
  zarrVersion?: string;
  format?: string;
  shape?: string;
  dtype?: string;
  endian?: string;
  offset?: string;
  overwrite?: boolean;
  force?: boolean;
  memoryTarget: string;
  workers?: string;
}

const FORMATS = ["tiff", "ome-tiff", "nifti", "nrrd", "npy", "raw", "png", "stack", "zarr"] as const;
const RESUME =
  "the output is incomplete; re-run the same command to resume (or pass --overwrite to start again)";

const SPACE = new Set(["x", "y", "z"]);

/**
 * A per-axis flag value: one entry per axis, or one per space axis (the others get `fill`), or a
 * single value for every space axis.
 */
function perAxis<T>(flag: string, values: T[], axes: string[], fill: T): T[] {
  if (values.length === axes.length) return values;
  const space = axes.filter((a) => SPACE.has(a)).length;
  if (values.length === space || values.length === 1) {
    let k = 0;
    return axes.map((a) => (SPACE.has(a) ? values[values.length === 1 ? 0 : k++] : fill));
  }
  throw new CliError(
    `${flag} has ${values.length} values; give one per axis (${axes.join("")}: ${axes.length}) or one per space axis (${space})`,
  );
}

/**
 * Chunks (shards): one value per axis, or one per space axis (t and c then get 1, as by default).
 * Any other count is an error, never padded: 2 values for zyx would silently make z chunks 1 deep.
 */
function chunksFor(flag: string, values: number[], axes: string[]): number[] {
  if (values.length === axes.length) return values;
  const space = axes.filter((a) => SPACE.has(a)).length;
  if (values.length === space) {
    let k = 0;
    return axes.map((a) => (SPACE.has(a) ? values[k++] : 1));
  }
  throw new CliError(
    `${flag} has ${values.length} values but the input has ${axes.length} axes (${axes.join("")}): give one per axis${space !== axes.length ? ` or one per space axis (${space})` : ""}`,
  );
}

export function registerConvert(program: Command): void {
  const convert = program
    .command("convert")
    .description(
      "convert images (TIFF/BigTIFF/OME-TIFF, NIfTI, NRRD, .npy, raw, 2-D TIFF/PNG slice stacks, Zarr/OME-Zarr) to a multiscale OME-Zarr image or a plain Zarr array",
    )
    .argument(
      "<inputs...>",
      "input file(s), a folder or glob of slices, or a Zarr store; then the OUTPUT directory",
    )
    .option(
      "--chunks <list>",
      "chunk shape: one per axis, or one per space axis (t/c get 1), e.g. 64,64,64 (default 64 per space axis, 1 for t/c)",
    )
    .option("--shards <list>", "shard shape (Zarr v3: OME-Zarr 0.5 or --plain --zarr-version 3)")
    .option(
      "--codec <codec>",
      "zstd[:level] | blosc[:cname[:clevel[:shuffle]]] | gzip[:level] | none",
      "zstd:5",
    )
    .option("--levels <n|auto>", "pyramid levels, or auto (until a level fits in one chunk)", "auto")
    .addOption(
      new Option("--method <m>", "downsampling method (default mean; mode with --labels)").choices([
        ...pyramid.DOWNSAMPLE_METHODS,
      ]),
    )
    .option("--labels", "a label image: integer data, mode downsampling, image-label metadata")
    .option(
      "--add-labels <name>",
      "write the input as label image NAME under the existing OUTPUT image's labels/ group (on the image's grid)",
    )
    .addOption(
      new Option(
        "--downsample-axes <axes>",
        "which space axes shrink per level: xy (z kept on every level, as Viv/vizarr/OMERO.web need), xyz, or auto (anisotropy-aware)",
      )
        .choices([...pyramid.DOWNSAMPLE_AXES])
        .default("xy"),
    )
    .option(
      "--scale <list>",
      "voxel size per axis (or per space axis), e.g. 2,0.5,0.5 (default: from the input)",
    )
    .option(
      "--units <u>",
      "unit of the space axes (um, nanometer, ...), or one per axis (default: from the input)",
    )
    .option("--axes <names>", "axis names, slowest first, e.g. zyx or tczyx (default: from the input)")
    .option("--translation <list>", "physical position of the first voxel per axis")
    .option(
      "--translations <mode>",
      "level translations: centred (voxel centres, default) or zero (every level at --translation, as the textbook)",
    )
    .option("--paths <list>", "array path of each level, e.g. level0,level1,level2 (default 0,1,2,...)")
    .option("--name <name>", "image name (default: an OME-Zarr input's own name, else the input's file name)")
    .option(
      "--ome-zarr-version <v>",
      "0.4 (Zarr v2), 0.5 or 0.6 (Zarr v3) (default: 0.4; 0.5 for an .ozx output)",
    )
    .option(
      "--transform <file>",
      "OME-Zarr 0.6: JSON file of extra coordinate systems and transformations to them",
    )
    .option("--plain", "write a single Zarr array instead of an OME-Zarr image")
    .option("--zarr-version <v>", "with --plain: Zarr format 2 or 3", "2")
    .addOption(new Option("--format <f>", "input format (default: detected)").choices([...FORMATS]))
    .option("--shape <list>", "raw input: array shape, slowest axis first")
    .option("--dtype <type>", "raw input: data type (uint8, uint16, float32, ...)")
    .addOption(new Option("--endian <e>", "raw input: byte order").choices(["little", "big"]))
    .option("--offset <bytes>", "raw input: header bytes to skip")
    .option(
      "--overwrite",
      "replace an existing output (without it, an existing output is an error and left untouched)",
    )
    .option(
      "--plan-only",
      "plan a conversion for many processes (zarrsmith run-task / finalize) instead of writing it",
    )
    .option("--tasks <n>", "with --plan-only: number of tasks")
    .option("--task-size <size>", "with --plan-only: source bytes per task (e.g. 8GiB)")
    .option("--memory-target <size>", "bytes of image data in memory at once", "256MiB")
    .option("--force", "convert even when the plan is absurd for the input (over 100 million chunks)")
    .option("--workers <n>", "worker threads (default: all cores)");
  addExecutorOptions(convert)
    .addHelpText(
      "after",
      `
Examples:
  zarrsmith convert stack.ome.tif heart.ome.zarr --chunks 64,64,64 --codec zstd:5
  zarrsmith convert brain.nii.gz brain.ome.zarr --ome-zarr-version 0.5 --shards 256,256,256
  zarrsmith convert 'slices/*.png' volume.ome.zarr --scale 2,0.5,0.5 --units um
  zarrsmith convert seg.tif heart.ome.zarr --add-labels cells
  zarrsmith convert data.raw out.zarr --plain --shape 100,512,512 --dtype uint16 --zarr-version 3`,
    )
    .action(async (args: string[], opts: ConvertOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const warn = warner(cmd);
      const executor = checkExecutorFlags(opts, cmd);
      if (args.length < 2) throw new CliError("convert needs at least one INPUT and an OUTPUT");
      const inputs = args.slice(0, -1);
      const output = outputLocation(args[args.length - 1]);
      if (inputs.some((i) => resolve(i) === output))
        throw new CliError("the output must differ from the inputs");

      // every flag is checked before the input is opened or the output touched
      if (opts.plain && isOzxPath(output))
        throw new CliError("an .ozx file holds an OME-Zarr image (RFC-9); drop --plain or write a directory");
      if ((opts.planOnly || executor) && isOzxPath(output))
        throw new CliError(
          `${opts.planOnly ? "--plan-only" : "--executor"}: an .ozx output is one zip file, which many task processes cannot write at once; write a directory or an s3:// prefix instead`,
        );
      // .ozx (RFC-9) holds Zarr v3 only, so an .ozx output defaults to 0.5
      const omeVersion = oneOf(
        "--ome-zarr-version",
        opts.omeZarrVersion ?? (isOzxPath(output) ? "0.5" : "0.4"),
        ["0.4", "0.5", "0.6"] as const,
      );
      if (opts.transform !== undefined && omeVersion !== "0.6")
        throw new CliError("--transform needs --ome-zarr-version 0.6 (coordinate systems are new in 0.6)");
      const extra = opts.transform === undefined ? undefined : readTransformFile(opts.transform);
      const zarrVersion = oneOf("--zarr-version", opts.zarrVersion ?? "2", ["2", "3"] as const);
      if (!opts.plain && cmd.getOptionValueSource("zarrVersion") === "cli") {
        throw new CliError(
          "--zarr-version is for plain arrays: add --plain, or use --ome-zarr-version 0.5 for OME-Zarr on Zarr v3",
        );
      }
      const codec = parseCodec(opts.codec);
      const chunkFlag = opts.chunks === undefined ? undefined : parseIntList("--chunks", opts.chunks);
      const shardFlag = opts.shards === undefined ? undefined : parseIntList("--shards", opts.shards);
      if (shardFlag && (opts.plain ? zarrVersion !== "3" : omeVersion === "0.4")) {
        throw new CliError(
          "--shards needs Zarr v3: --ome-zarr-version 0.5 or 0.6, or --plain --zarr-version 3",
        );
      }
      const levels = opts.levels === "auto" ? "auto" : parseInteger("--levels", opts.levels, 1, 64);
      const memoryTarget = parseBytes("--memory-target", opts.memoryTarget);
      const workers =
        opts.workers === undefined ? undefined : parseInteger("--workers", opts.workers, 0, 256);
      const scaleFlag = opts.scale === undefined ? undefined : parseNumberList("--scale", opts.scale, true);
      const translationFlag =
        opts.translation === undefined ? undefined : parseNumberList("--translation", opts.translation);
      const unitFlag = opts.units?.split(",").map((u) => normalizeUnitFlag(u.trim(), warn));
      await refuseRawFlags(inputs, opts);
      const inputFlags = {
        format: opts.format as InputFormat,
        shape: opts.shape === undefined ? undefined : parseIntList("--shape", opts.shape),
        dtype: opts.dtype === undefined ? undefined : parseDataType("--dtype", opts.dtype),
        endian: opts.endian as "little" | "big" | undefined,
        axes: opts.axes,
        offset: opts.offset === undefined ? undefined : parseInteger("--offset", opts.offset, 0),
        memoryLimit: memoryTarget,
      };
      const input = await openInput(inputs, inputFlags);
      try {
        const axes = input.axes;
        const chunks = chunkFlag && chunksFor("--chunks", chunkFlag, axes);
        const shards = shardFlag && chunksFor("--shards", shardFlag, axes);
        if (opts.plain) {
          const result = await convertPlain(input, output, {
            zarrVersion: Number(zarrVersion) as 2 | 3,
            chunks: chunks ?? axes.map((a) => (SPACE.has(a) ? 64 : 1)),
            shards,
            codec,
            memoryTarget,
            workers,
            overwrite: opts.overwrite,
            force: opts.force,
            globals,
          });
          printResult(globals, result, () =>
            [
              `Wrote ${output} (Zarr v${zarrVersion} array, from ${input.description})`,
              `  array    shape ${result.shape.join("x")} (${axes.join("")}) ${result.dtype}  chunks ${result.chunks.join("x")}${result.shards ? `  shards ${result.shards.join("x")}` : ""}`,
              `  stored   ${formatBytes(result.bytesStored)} (raw ${formatBytes(result.bytesRaw)}, compression ratio ${result.compressionRatio.toFixed(2)})`,
              `  time     ${result.seconds.toFixed(2)} s${result.resumedBlocks ? ` (resumed: ${result.resumedBlocks} blocks already written)` : ""}`,
            ].join("\n"),
          );
          return;
        }

        if (opts.addLabels !== undefined) {
          const result = await addLabels(
            input,
            output,
            opts.addLabels,
            {
              levels: cmd.getOptionValueSource("levels") === "cli" ? levels : undefined,
              method: opts.method as pyramid.DownsampleMethod | undefined,
              chunks,
              shards,
              codec,
              downsampleAxes: opts.downsampleAxes as pyramid.DownsampleAxes,
              scale: scaleFlag ? perAxis("--scale", scaleFlag, axes, 1) : undefined,
              units: unitFlag ? perAxis<string | undefined>("--units", unitFlag, axes, undefined) : undefined,
              memoryTarget,
              workers,
              overwrite: opts.overwrite,
              force: opts.force,
            },
            globals,
          );
          printResult(globals, result, () =>
            [
              `Wrote labels/${opts.addLabels} into ${output} (from ${input.description})`,
              levelTable(result.levels, result.axes),
              `  labels   ${result.labelValues} label values with colours`,
              `  valid    ${result.valid ? "yes" : `NO: ${result.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`}`,
            ].join("\n"),
          );
          if (!result.valid) process.exitCode = 1;
          return;
        }
        const voxelScale = scaleFlag ? perAxis("--scale", scaleFlag, axes, 1) : input.scale;
        const translation = translationFlag
          ? perAxis("--translation", translationFlag, axes, 0)
          : input.translation;
        const units = unitFlag
          ? perAxis<string | undefined>("--units", unitFlag, axes, undefined)
          : input.units?.map((u) => (u === undefined ? undefined : normalizeUnitFlag(u, warn)));
        const name = opts.name ?? input.name ?? stem(inputs[0]);
        if (
          opts.translations !== undefined &&
          opts.translations !== "centred" &&
          opts.translations !== "zero"
        ) {
          throw new CliError(`--translations must be centred or zero, got "${opts.translations}"`);
        }
        const options: pyramid.PyramidOptions = {
          levels,
          method: opts.method as pyramid.DownsampleMethod | undefined,
          labels: opts.labels,
          downsampleAxes: opts.downsampleAxes as pyramid.DownsampleAxes,
          chunks,
          shards,
          codec,
          omeZarrVersion: omeVersion,
          ...extra,
          axes,
          scale: voxelScale,
          translation,
          translations: opts.translations as pyramid.PyramidOptions["translations"],
          paths: opts.paths?.split(",").map((p) => p.trim()),
          units,
          name,
          channelNames: opts.labels ? undefined : input.channelNames,
          memoryTarget,
          workers,
          overwrite: opts.overwrite,
          force: opts.force,
        };
        if (opts.planOnly || executor || opts.tasks !== undefined || opts.taskSize !== undefined) {
          if (!opts.planOnly && !executor)
            throw new CliError("--tasks and --task-size go with --plan-only or --executor");
          const split = {
            tasks: opts.tasks === undefined ? undefined : parseInteger("--tasks", opts.tasks, 1),
            taskSize: opts.taskSize === undefined ? undefined : parseBytes("--task-size", opts.taskSize),
          };
          const n = await planOnly(
            { inputs, ...inputFlags },
            input,
            output,
            options,
            split,
            globals,
            !executor,
          );
          if (executor) await runExecutor(executor, scale.absoluteOutput(output), n, opts, globals);
          return;
        }
        const result = await writePyramid(input, output, options, globals, RESUME, warn);
        const store = isOzxPath(output)
          ? await openOzx(output, { s3: isS3URL(output) ? s3Options() : undefined })
          : openOutputStore(output);
        const report = await ome.validate(store, "").finally(() => store.close?.());
        const { stored, raw, ratio } = storageOf(
          output,
          result.levels,
          input.dtype,
          await storedBytes(output),
        );
        // a time axis gets a unit only when the input gives one: say so rather than guess "second"
        const notes = axes.flatMap((a, i) =>
          a === "t" && units?.[i] === undefined
            ? [`t has no unit (the input gives none); pass --units with one unit per axis to set it`]
            : [],
        );
        if (!scaleFlag && !unitFlag && input.scale === undefined && input.units === undefined) {
          notes.push(
            `${input.description} carries no physical voxel size: scale 1 and no units were written; give --scale and --units (e.g. --scale 2,0.5,0.5 --units micrometer)`,
          );
        }
        if (levels === "auto" && result.levels.length === 1) {
          notes.push(
            `one level only: --levels auto stops when a level fits in one chunk, and the image (${input.shape.join("x")}) already fits in a chunk of ${result.levels[0].chunks.join("x")}; give --levels N or smaller --chunks for a pyramid`,
          );
        }
        const summary = {
          output,
          input: {
            paths: inputs,
            description: input.description,
            shape: input.shape,
            dtype: input.dtype,
            axes,
          },
          format: "ome-zarr",
          omeZarrVersion: omeVersion,
          name,
          axes,
          units: units ?? axes.map(() => undefined),
          channelNames: input.channelNames,
          levels: result.levels,
          bytesStored: stored,
          bytesRaw: raw,
          compressionRatio: ratio,
          seconds: result.seconds,
          resumedNodes: result.resumedNodes,
          valid: report.valid,
          errors: report.errors,
          warnings: report.warnings,
          notes,
        };
        printResult(globals, summary, () =>
          [
            `Wrote ${output} (OME-Zarr ${omeVersion} image "${name}", from ${input.description})`,
            levelTable(result.levels, axes, units),
            `  stored   ${formatBytes(stored)} (raw ${formatBytes(raw)}, compression ratio ${ratio.toFixed(2)})`,
            `  time     ${result.seconds.toFixed(2)} s${result.resumedNodes ? ` (resumed ${result.resumedNodes} finished blocks)` : ""}`,
            `  valid    ${report.valid ? "yes" : `NO: ${report.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`}`,
            ...report.warnings.map((w) => `  warning  ${w.path || "(root)"}: ${w.message}`),
            ...notes.map((n) => `  note     ${n}`),
          ].join("\n"),
        );
        if (!report.valid) process.exitCode = 1;
      } finally {
        await input.close();
      }
    });
}

type InputFormat = (typeof FORMATS)[number] | undefined;

/**
 * --shape/--dtype/--endian/--offset describe raw binary; any other input carries its own shape and
 * data type, so giving them there is an error rather than silently ignored.
 */
async function refuseRawFlags(inputs: string[], opts: ConvertOptions): Promise<void> {
  const given = (
    [
      ["--shape", opts.shape],
      ["--dtype", opts.dtype],
      ["--endian", opts.endian],
      ["--offset", opts.offset],
    ] as const
  )
    .filter(([, v]) => v !== undefined)
    .map(([flag]) => flag);
  if (given.length === 0 || opts.format === "raw") return;
  const input = inputs[0];
  let format: string | undefined = opts.format;
  if (format === undefined) {
    if (looksLikeZarr(input)) format = "zarr";
    else if (inputs.length > 1 || isGlob(input) || (existsSync(input) && statSync(input).isDirectory()))
      format = "stack";
    else if (existsSync(input)) format = await detectFormat(input);
  }
  if (format === undefined || format === "raw") return;
  throw new CliError(
    `${given.join(", ")} ${given.length > 1 ? "are" : "is"} for raw binary input, but ${input} is ${format === "zarr" ? "Zarr" : format === "stack" ? "a slice stack" : `a ${format.toUpperCase()} file`}, which gives its own shape and data type (add --format raw to read it as raw bytes)`,
  );
}

/** The `--transform` file: JSON of extra coordinate systems (format in the README, checked by the library). */
function readTransformFile(file: string): ome.v06.ExtraSystems {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`--transform ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError(`--transform ${file} is not valid JSON (${(e as Error).message})`);
  }
  return ome.v06.parseExtraSystems(doc, `--transform ${file}`);
}

/** --add-labels: the input as a label image under the existing image OUTPUT (resumable like convert). */
async function addLabels(
  input: Input,
  output: string,
  name: string,
  options: Omit<pyramid.PyramidOptions, "labels" | "path">,
  globals: GlobalOptions,
) {
  if (!looksLikeZarr(output)) throw new CliError(`--add-labels: ${output} is not an existing OME-Zarr image`);
  const store = guardStore(openOutputStore(output));
  const progress = createProgress(globals);
  let result: Awaited<ReturnType<typeof pyramid.writeLabels>>;
  try {
    result = await interruptible(output, RESUME, () =>
      pyramid.writeLabels(input, store, {
        ...options,
        name,
        onProgress: ({ level, done, total }) => progress.update(`level ${level}`, done, total),
      }),
    );
  } finally {
    progress.stop();
  }
  const report = await ome.validate(store, "");
  const labelPath = `labels/${name}`;
  const labelGroup = await open(store, labelPath, { consolidated: false });
  const attrs = (labelGroup instanceof Group ? labelGroup.attrs : undefined) as
    | Record<string, Record<string, unknown>>
    | undefined;
  const imageLabel = (attrs?.["image-label"] ??
    (attrs?.ome as Record<string, unknown> | undefined)?.["image-label"]) as
    | { colors?: unknown[] }
    | undefined;
  return {
    output,
    labels: labelPath,
    input: { description: input.description, shape: input.shape, dtype: input.dtype },
    axes: ome.omeImage(attrs ?? {})?.axes.map((a) => a.name) ?? [],
    levels: result.levels,
    labelValues: imageLabel?.colors?.length ?? 0,
    seconds: result.seconds,
    valid: report.valid,
    errors: report.errors,
    warnings: report.warnings,
  };
}

interface PlainOptions {
  zarrVersion: 2 | 3;
  chunks: number[];
  shards?: number[];
  codec: codecs.V2CodecJSON | null;
  memoryTarget: number;
  workers?: number;
  overwrite?: boolean;
  force?: boolean;
  globals: GlobalOptions;
}

/** --plain: the input into one Zarr array through the library's copyArray (resumable). */
async function convertPlain(input: Input, output: string, o: PlainOptions) {
  const started = performance.now();
  const axes = input.axes;
  const target = await prepareOutput(output, o.overwrite);
  const progress = createProgress(o.globals, "blocks");
  const pool = new WorkerPool(o.workers);
  let copied: CopyArrayResult;
  try {
    copied = await writeTarget(target, (overwrite) =>
      interruptible(target.dir, RESUME, async () => {
        const store = guardStore(openOutputStore(target.dir));
        const result = await copyArray(input, store, {
          zarrVersion: o.zarrVersion,
          chunks: o.chunks,
          shards: o.shards,
          codec: o.codec,
          dimensionNames: axes,
          memoryTarget: o.memoryTarget,
          workers: pool,
          overwrite,
          force: o.force,
          sourceId: input.description,
          signal: interruptSignal,
          onProgress: ({ done, total }) => progress.update("array", done, total),
        });
        await finishOutput(target.dir, store);
        return result;
      }),
    );
    progress.stop();
    const warning = commitOutput(target);
    if (warning) process.stderr.write(`zarrsmith: warning: ${warning}\n`);
  } catch (e) {
    throw cliOutputError(output, e);
  } finally {
    progress.stop();
    await pool.close();
  }
  const { array } = copied;
  const { stored, raw, ratio } = storageOf(
    output,
    [{ shape: input.shape }],
    input.dtype,
    await storedBytes(output),
  );
  return {
    output,
    input: { description: input.description, shape: input.shape, dtype: input.dtype, axes },
    format: "zarr",
    zarrVersion: o.zarrVersion,
    shape: array.shape,
    dtype: array.dtype,
    chunks: array.chunks,
    shards: array.shards,
    axes,
    bytesStored: stored,
    bytesRaw: raw,
    compressionRatio: ratio,
    seconds: (performance.now() - started) / 1000,
    resumedBlocks: copied.resumedBlocks,
  };
}
