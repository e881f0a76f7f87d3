/**
 * bench/innodb-keys: seed 001's first question, measured. InnoDB stores each table in its primary
 * key's B+tree, so the key decides where every insert lands: an auto-increment key appends to the
 * right-most page; a random key (a UUID, a hash, a natural key that arrives out of order) lands
 * anywhere, splitting half-full pages and, once the table outgrows the buffer pool, reading pages
 * back from disk to do it. And every secondary index stores the primary key, so a wide key makes
 * every index wider.
 *
 * Runs a private MariaDB (InnoDB) from Debian's packages (installed with apt-get when missing and
 * run as root) on a scratch data directory with a buffer pool smaller than the table, inserts the
 * same rows under an auto-increment BIGINT key (the baseline) and under a random 16-byte key, and
 * prints throughput, page splits and sizes side by side. Nothing outlives the run.
 *
 * Usage: npm run bench -- innodb-keys [rows]   (default 400000, in transactions of 10000)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../kit/src/exec/index.ts";
import { formatTable } from "../kit/src/table.ts";

const BATCH = 10_000;
const rowsArg = process.argv[2] ?? "400000";
const rows = Number(rowsArg);
if (!Number.isInteger(rows) || rows < BATCH || rows % BATCH !== 0) {
  process.stderr.write(
    `bench/innodb-keys: rows must be a whole multiple of ${BATCH} (got ${rowsArg}); e.g. npm run bench -- innodb-keys 400000\n`,
  );
  process.exit(2);
}

const MARIADBD = "/usr/sbin/mariadbd";
if (!existsSync(MARIADBD)) {
  if (process.getuid?.() !== 0) {
    process.stderr.write(
      "bench/innodb-keys: MariaDB is not installed; run `sudo apt-get install -y mariadb-server mariadb-client` and again.\n",
    );
    process.exit(2);
  }
  process.stdout.write("installing mariadb-server from Debian's packages...\n");
  await run("apt-get", ["install", "-y", "--no-install-recommends", "mariadb-server", "mariadb-client"], {
    env: { DEBIAN_FRONTEND: "noninteractive" },
    timeoutMs: 15 * 60_000,
  });
}

const dir = mkdtempSync(join(tmpdir(), "kit-innodb-"));
const socket = join(dir, "mysqld.sock");
const datadir = `--datadir=${join(dir, "data")}`;
let server: ChildProcess | undefined;
const sql = async (statements: string): Promise<string> =>
  (
    await run("mariadb", ["--no-defaults", `--socket=${socket}`, "-uroot", "-N", "-B", "-e", statements], {
      timeoutMs: 60 * 60_000,
    })
  ).stdout.trim();

try {
  await run(
    "mariadb-install-db",
    ["--no-defaults", datadir, "--user=root", "--auth-root-authentication-method=normal", "--skip-test-db"],
    {
      timeoutMs: 5 * 60_000,
    },
  );
  server = spawn(
    MARIADBD,
    [
      "--no-defaults",
      datadir,
      `--socket=${socket}`,
      `--pid-file=${join(dir, "mysqld.pid")}`,
      `--log-error=${join(dir, "error.log")}`,
      "--skip-networking",
      "--user=root",
      // Smaller than either table, as a production table is larger than its server's memory.
      "--innodb-buffer-pool-size=32M",
      "--innodb-log-file-size=128M",
      // One fsync a second instead of one per commit: the difference measured is the tree's, not the disk's.
      "--innodb-flush-log-at-trx-commit=2",
    ],
    { stdio: "ignore" },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (existsSync(socket) && (await sql("SELECT 1").catch(() => "")) === "1") break;
    if (Date.now() > deadline) throw new Error(`MariaDB did not start: see ${join(dir, "error.log")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const version = await sql("SELECT VERSION()");
  await sql(`
    SET GLOBAL innodb_monitor_enable = 'index_page_splits';
    CREATE DATABASE bench;
    -- customer_id has a secondary index in both, which stores the primary key beside it.
    CREATE TABLE bench.sequential (
      id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
      customer_id INT NOT NULL, payload CHAR(100) NOT NULL, KEY (customer_id)) ENGINE=InnoDB;
    CREATE TABLE bench.random (
      id BINARY(16) PRIMARY KEY,
      customer_id INT NOT NULL, payload CHAR(100) NOT NULL, KEY (customer_id)) ENGINE=InnoDB;
  `);

  interface Result {
    seconds: number;
    splits: number;
    dataMiB: number;
    indexMiB: number;
  }
  const load = async (table: "sequential" | "random"): Promise<Result> => {
    const key = table === "random" ? "id, " : "";
    const value = table === "random" ? "RANDOM_BYTES(16), " : "";
    await sql("SET GLOBAL innodb_monitor_reset_all = 'index_page_splits'");
    const started = performance.now();
    for (let done = 0; done < rows; done += BATCH) {
      await sql(
        `INSERT INTO bench.${table} (${key}customer_id, payload) SELECT ${value}FLOOR(RAND() * 100000), REPEAT('x', 100) FROM bench.seq_1_to_${BATCH}`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const splits = Number(
      await sql("SELECT COUNT FROM information_schema.INNODB_METRICS WHERE NAME = 'index_page_splits'"),
    );
    await sql(`ANALYZE TABLE bench.${table}`);
    const [data = "0", index = "0"] = (
      await sql(
        `SELECT data_length, index_length FROM information_schema.TABLES WHERE table_schema = 'bench' AND table_name = '${table}'`,
      )
    ).split("\t");
    return { seconds, splits, dataMiB: Number(data) / 2 ** 20, indexMiB: Number(index) / 2 ** 20 };
  };

  process.stdout.write(`MariaDB ${version}, buffer pool 32 MiB, ${rows} rows in transactions of ${BATCH}\n`);
  const sequential = await load("sequential");
  const random = await load("random");
  const ratio = (a: number, b: number) => (b === 0 ? "-" : `×${(a / b).toFixed(2)}`);
  const row = (name: string, s: number, r: number, digits = 1) => [
    name,
    s.toFixed(digits),
    r.toFixed(digits),
    ratio(r, s),
  ];
  process.stdout.write(
    `${formatTable(
      ["", "auto-increment BIGINT (baseline)", "random BINARY(16)", "random / baseline"],
      [
        row("rows/s", rows / sequential.seconds, rows / random.seconds, 0),
        row("page splits", sequential.splits, random.splits, 0),
        row("primary key (table) MiB", sequential.dataMiB, random.dataMiB),
        row("secondary index MiB", sequential.indexMiB, random.indexMiB),
        row(
          "bytes per row, all",
          ((sequential.dataMiB + sequential.indexMiB) * 2 ** 20) / rows,
          ((random.dataMiB + random.indexMiB) * 2 ** 20) / rows,
        ),
      ],
    )}\n`,
  );
} finally {
  server?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
