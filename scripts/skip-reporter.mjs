// A node:test reporter that writes one JSON line per skipped test or suite ({ file, name, reason }).
// scripts/run-tests.mjs sends it to a temporary file next to the usual `spec` output and reads it
// after the run: a skip is listed at the end, and fails the run in CI.
export default async function* skipReporter(source) {
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { skip, name, file } = event.data;
    if (skip === undefined || skip === false) continue;
    yield `${JSON.stringify({ file: file ?? "", name, reason: typeof skip === "string" ? skip : "" })}\n`;
  }
}
