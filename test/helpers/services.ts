/**
 * Real services for the scale-out tests, each started once per test file in a temp folder and torn
 * down after: a single-node SLURM cluster (Debian's slurm-wlm + munge: munged with its own key,
 * slurmctld and slurmd on localhost, free ports) and a private redis-server on a loopback port.
 * Both need root (slurmd runs jobs as the submitting user, munged checks its key's owner).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { command, type Requirement } from "./requirements.js";

/** A port nothing listens on now (the kernel's choice for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function root(): Requirement {
  return {
    what: "root",
    how: "run as root (slurmd and munged run as the test's user; .ci/run runs as root)",
    present: () => process.getuid?.() === 0,
  };
}

export function slurmRequirements(): Requirement[] {
  return [
    command("slurmctld", "slurm-wlm"),
    command("slurmd", "slurm-wlm"),
    command("sbatch", "slurm-wlm"),
    command("munged", "munge"),
    root(),
  ];
}

export function redisRequirements(): Requirement[] {
  return [command("redis-server", "redis-server")];
}

async function until(what: string, check: () => boolean, logs: () => string, seconds = 30): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} did not come up in ${seconds} s\n${logs()}`);
    await sleep(100);
  }
}

function readLog(file: string): string {
  try {
    return `--- ${file}\n${readFileSync(file, "utf8").split("\n").slice(-30).join("\n")}`;
  } catch {
    return `--- ${file}: (none)`;
  }
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(forced);
}

export interface SlurmCluster {
  dir: string;
  /** The environment for SLURM clients (sbatch, squeue, ...): SLURM_CONF points at this cluster. */
  env: NodeJS.ProcessEnv;
  /** Runs a SLURM client command against the cluster; throws with its stderr on failure. */
  run(cmd: string, args: string[]): string;
  /** The last lines of munged's, slurmctld's and slurmd's logs (for failure messages). */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * The node: this machine's memory, and 8 CPUs whatever it has (config_overrides lets slurmd accept
 * that), so an 8-task array runs at once instead of in rounds that each wait for the scheduler.
 */
function nodeLine(): string {
  const r = spawnSync("slurmd", ["-C"], { encoding: "utf8" });
  const memory = /RealMemory=(\d+)/.exec(r.stdout)?.[1];
  return `NodeName=localhost NodeAddr=127.0.0.1 CPUs=${Math.max(8, cpus().length)}${memory ? ` RealMemory=${memory}` : ""} State=UNKNOWN`;
}

/** Starts munged, slurmctld and slurmd in a temp folder; resolves once the node is idle. */
export async function startSlurm(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), "zarrsmith-slurm-"));
  for (const sub of ["munge", "state", "spool", "log"]) mkdirSync(join(dir, sub));
  chmodSync(join(dir, "munge"), 0o700);
  const key = join(dir, "munge", "munge.key");
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, "munge", "munge.socket");
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () =>
    ["munged.log", "slurmctld.log", "slurmd.log"].map((f) => readLog(join(dir, "log", f))).join("\n");
  try {
    children.push(
      spawn(
        "munged",
        [
          "--foreground",
          "--force",
          `--key-file=${key}`,
          `--socket=${socket}`,
          `--pid-file=${join(dir, "munge", "munged.pid")}`,
          `--seed-file=${join(dir, "munge", "munged.seed")}`,
          `--log-file=${join(dir, "log", "munged.log")}`,
        ],
        { stdio: "ignore" },
      ),
    );
    await until("munged", () => spawnSync("munge", ["-n", "-S", socket]).status === 0, logs);
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const conf = join(dir, "slurm.conf");
    writeFileSync(
      conf,
      [
        "ClusterName=zarrsmith-test",
        "SlurmctldHost=localhost",
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        "SlurmUser=root",
        "SlurmdUser=root",
        "AuthType=auth/munge",
        "CredType=cred/munge",
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${join(dir, "state")}`,
        `SlurmdSpoolDir=${join(dir, "spool")}`,
        `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
        `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
        `SlurmctldLogFile=${join(dir, "log", "slurmctld.log")}`,
        `SlurmdLogFile=${join(dir, "log", "slurmd.log")}`,
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "JobAcctGatherType=jobacct_gather/none",
        "AccountingStorageType=accounting_storage/none",
        "JobCompType=jobcomp/none",
        "MpiDefault=none",
        "ReturnToService=2",
        // one CPU per job, several jobs per node at once; builtin scheduling starts jobs on submit
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "SchedulerType=sched/builtin",
        "MinJobAge=600",
        "SlurmdParameters=config_overrides",
        "KillWait=2",
        nodeLine(),
        "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
        "",
      ].join("\n"),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    children.push(spawn("slurmctld", ["-D", "-i", "-f", conf], { stdio: "ignore", env }));
    children.push(spawn("slurmd", ["-D", "-N", "localhost", "-f", conf], { stdio: "ignore", env }));
    const run = (cmd: string, args: string[]) => {
      // bounded: a job that never starts must fail the test, not block its event loop for ever
      const r = spawnSync(cmd, args, { encoding: "utf8", env, timeout: 120_000, killSignal: "SIGKILL" });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr || r.error}\n${logs()}`);
      return r.stdout;
    };
    await until(
      "the SLURM node",
      () => {
        const r = spawnSync("sinfo", ["-h", "-N", "-o", "%t"], { encoding: "utf8", env });
        return r.status === 0 && /^(idle|mix|alloc)/.test(r.stdout.trim());
      },
      logs,
      60,
    );
    return { dir, env, run, logs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Debian's redis-server on a free loopback port, no persistence, its files in a temp folder. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "zarrsmith-redis-"));
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const stop = async () => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until(
      "redis-server",
      () => out.includes("Ready to accept connections"),
      () => out,
      20,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}
