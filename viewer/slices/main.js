// The light 2-D viewer of `zarrsmith view --viewer slices`, built on zarrsmith's browser entry: it
// reads the served target through HttpStore (range requests, Web Worker decoding) and draws one
// windowed plane at a time. Works where WebGL does not.
import { HttpStore, open, slice } from "zarrsmith";

const $ = (id) => document.getElementById(id);
const status = (text) => {
  $("status").textContent = text;
};

const target = await (await fetch("../target.json")).json();
const store = new HttpStore(new URL("../data/", location.href).href);
// the format is known from the server: no probes of the other format's keys (each a 404)
const root = await open(store, "", { format: target.zarrFormat, consolidated: false, kind: target.plain ? "array" : "group" });
const spatial = target.axes.map((a, i) => [a, i]).filter(([a]) => a.type === "space" || !a.type);
const channelAxis = target.axes.findIndex((a) => a.type === "channel");
const timeAxis = target.axes.findIndex((a) => a.type === "time");
const arrays = new Map();
const levelArray = async (k) => {
  if (!arrays.has(k)) arrays.set(k, target.plain ? root : await root.array(target.levels[k].path));
  return arrays.get(k);
};

$("title").textContent = `${target.name} (${target.axes.map((a) => a.name).join("")}, ${target.dtype})`;
$("level").max = String(target.levels.length - 1);
for (const [a, i] of spatial) $("axis").add(new Option(a.name, String(i)));
if (channelAxis < 0) $("channelRow").style.display = "none";
else target.channels.forEach((c, i) => $("channel").add(new Option(c.name, String(i))));

const setWindow = () => {
  const c = target.channels[Number($("channel").value || 0)] ?? target.channels[0];
  $("lo").value = String(c.window[0]);
  $("hi").value = String(c.window[1]);
};
setWindow();

/** Sets the plane slider for the current level and axis: the same physical position (a fraction
 * of the axis) when only the level changed, else omero's defaultZ or the middle. */
function resetPlane(keep) {
  const level = target.levels[Number($("level").value)];
  const axis = Number($("axis").value);
  const n = level.shape[axis];
  const fraction = keep ? (Number($("plane").value) + 0.5) / (Number($("plane").max) + 1) : undefined;
  const start = target.defaultZ !== undefined && target.axes[axis]?.name === "z" ? target.defaultZ : Math.floor(target.shape[axis] / 2);
  $("plane").max = String(n - 1);
  const index = fraction === undefined ? Math.floor(((start + 0.5) * n) / target.shape[axis]) : Math.floor(fraction * n);
  $("plane").value = String(Math.min(n - 1, Math.max(0, index)));
}

let drawing = 0;
async function draw() {
  const id = ++drawing;
  const k = Number($("level").value);
  const level = target.levels[k];
  const axis = Number($("axis").value);
  const index = Number($("plane").value);
  $("levelValue").textContent = `${k} (${level.shape.join("x")})`;
  $("planeValue").textContent = `${index} / ${level.shape[axis] - 1}`;
  const shown = spatial.map(([, i]) => i).filter((i) => i !== axis).slice(-2);
  const selection = level.shape.map((n, d) => {
    if (shown.includes(d)) return slice(0, n);
    if (d === axis) return index;
    if (d === channelAxis) return Number($("channel").value || 0);
    if (d === timeAxis) return 0;
    return 0;
  });
  status("reading…");
  const array = await levelArray(k);
  const plane = await array.get(selection);
  if (id !== drawing) return;
  const [h, w] = plane.shape.length === 2 ? plane.shape : [1, plane.shape[0]];
  const lo = Number($("lo").value);
  const hi = Number($("hi").value);
  const span = hi > lo ? hi - lo : 1;
  const color = (target.channels[Number($("channel").value || 0)] ?? target.channels[0]).color;
  const rgb = [0, 2, 4].map((o) => Number.parseInt(color.slice(o, o + 2), 16) / 255);
  const canvas = $("canvas");
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const t = Math.max(0, Math.min(1, (Number(plane.data[i]) - lo) / span)) * 255;
    image.data[i * 4] = t * rgb[0];
    image.data[i * 4 + 1] = t * rgb[1];
    image.data[i * 4 + 2] = t * rgb[2];
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  // display size: fit the view, keep physical aspect
  const sy = level.scale[shown[0]] ?? 1;
  const sx = level.scale[shown[1]] ?? 1;
  const view = $("view").getBoundingClientRect();
  const fit = Math.min((view.width - 20) / (w * sx), (view.height - 20) / (h * sy));
  canvas.style.width = `${w * sx * fit}px`;
  canvas.style.height = `${h * sy * fit}px`;
  // scale bar: a round physical length near a fifth of the image width
  const unit = target.axes[shown[1]]?.unit ?? "";
  const physical = w * sx;
  const nice = 10 ** Math.floor(Math.log10(physical / 5));
  const length = [5, 2, 1].map((m) => m * nice).find((l) => l <= physical / 4) ?? nice;
  $("bar").style.width = `${length * fit}px`;
  $("barLabel").textContent = `${length} ${unit}`;
  status(`${target.axes[axis].name} = ${index} of level ${k}`);
  document.body.dataset.drawn = `${k}:${axis}:${index}`;
}

const redraw = () => draw().catch((e) => status(`error: ${e.message}`));
$("level").addEventListener("input", () => {
  resetPlane(true);
  redraw();
});
$("axis").addEventListener("change", () => {
  resetPlane(false);
  redraw();
});
$("plane").addEventListener("input", redraw);
$("channel").addEventListener("change", () => {
  setWindow();
  redraw();
});
$("lo").addEventListener("change", redraw);
$("hi").addEventListener("change", redraw);
resetPlane(false);
await draw();
