// Copyright 2026 the concurrent-futures authors. MIT license.
// The chart of RESULTS.md (bench/chart.svg): for each workload, one horizontal bar per contestant,
// grouped by runtime, each bar labelled with its median and its ratio against the workload's
// reference. Plain SVG written here, no dependency; 800 px wide, the width of a README.

import { join } from "node:path";
import { DENO, ROOT } from "./_paths.ts";
import type { ResultTables } from "./_results_md.ts";
import { type Kind, LIBRARIES, WORKLOADS } from "./workloads.ts";

const WIDTH = 800;
const MARGIN = 12;
/** Where the runtime names start, the library names end and the bars start. */
const RUNTIME_X = MARGIN;
const LABEL_END_X = 292;
const BAR_X = 300;
/** The longest bar; what is right of it is room for its label. */
const BAR_MAX = 340;
const ROW = 16;
const BAR = 11;
const GROUP_GAP = 6;
const FONT = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/** The colours (Okabe–Ito, readable with the common colour-vision deficiencies). */
const COLOURS: Record<Kind, { fill: string; legend: string }> = {
  ours: { fill: "#0072B2", legend: "this library" },
  peer: { fill: "#E69F00", legend: "piscina, tinypool, workerpool" },
  python: { fill: "#009E73", legend: "Python's concurrent.futures" },
  none: { fill: "#A0A0A0", legend: "no library (the ceiling)" },
};

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function text(
  x: number,
  y: number,
  content: string,
  attributes: Record<string, string | number> = {},
): string {
  const attrs = Object.entries(attributes).map(([k, v]) => ` ${k}="${escape(String(v))}"`).join("");
  return `<text x="${x}" y="${y}"${attrs}>${escape(content)}</text>`;
}

/** A number of pixels, without float noise. */
function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** The SVG of the tables read from a RESULTS.md. */
export function chartSvg(results: ResultTables): string {
  const body: string[] = [];
  let y = MARGIN + 16;
  body.push(
    text(MARGIN, y, "@concurrent/futures against its peers, 2 workers each", {
      "font-size": 16,
      "font-weight": "bold",
    }),
  );
  y += 18;
  const notes = [
    `The run of ${results.date} at ${results.commit}${
      results.quick ? " (--quick)" : ""
    }: each bar is a median over fresh processes, as in bench/RESULTS.md.`,
    "Beside it: how many times better than the workload's reference (above 1 is better; † = the " +
    "reference on another runtime).",
  ];
  for (const note of notes) {
    body.push(text(MARGIN, y, note, { "font-size": 11, fill: "#555" }));
    y += 14;
  }
  y += 8;
  let x = MARGIN;
  for (const { fill, legend } of Object.values(COLOURS)) {
    body.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" rx="2" fill="${fill}"/>`);
    body.push(text(x + 17, y, legend, { "font-size": 12 }));
    x += 17 + legend.length * 6.5 + 24;
  }
  y += 14;

  for (const table of results.tables) {
    const workload = WORKLOADS.find((w) => w.id === table.id)!;
    const max = Math.max(...table.rows.map((r) => r.value ?? 0));
    y += 22;
    body.push(
      text(MARGIN, y, `${workload.title} (${workload.id})`, {
        "font-size": 14,
        "font-weight": "bold",
      }),
    );
    y += 16;
    body.push(
      text(
        MARGIN,
        y,
        `${workload.unit}, ${
          workload.higherIsBetter ? "higher is better" : "lower is better (shorter bars)"
        }; ratios against ${table.reference}`,
        { "font-size": 11, fill: "#555" },
      ),
    );
    y += 6;
    // Groups in the order the runtimes first appear (this library's rows come first).
    const runtimes = [...new Set(table.rows.map((r) => r.runtime))];
    for (const [g, runtime] of runtimes.entries()) {
      const rows = table.rows.filter((r) => r.runtime === runtime);
      if (g > 0) {
        body.push(
          `<line x1="${MARGIN}" x2="${WIDTH - MARGIN}" y1="${y + GROUP_GAP / 2}" y2="${
            y + GROUP_GAP / 2
          }" stroke="#ddd"/>`,
        );
      }
      y += GROUP_GAP;
      body.push(text(RUNTIME_X, y + ROW - 5, runtime, { "font-size": 12, "font-weight": "bold" }));
      for (const row of rows) {
        const library = LIBRARIES[row.library]!;
        const top = y + (ROW - BAR) / 2;
        const baseline = y + ROW - 5;
        body.push(
          text(LABEL_END_X, baseline, library.short, { "font-size": 12, "text-anchor": "end" }),
        );
        if (row.value === undefined) {
          body.push(text(BAR_X, baseline, "failed", { "font-size": 11, fill: "#c00" }));
        } else {
          const width = max > 0 ? Math.max(1, (row.value / max) * BAR_MAX) : 1;
          body.push(
            `<rect x="${BAR_X}" y="${px(top)}" width="${px(width)}" height="${BAR}" fill="${
              COLOURS[library.kind].fill
            }"/>`,
          );
          const label = text(Number(px(BAR_X + width + 5)), baseline, row.text, {
            "font-size": 11,
            ...(library.kind === "ours" ? { "font-weight": "bold" } : {}),
          });
          // The reference's own rows need no ratio (1.00×).
          const ratio = row.library === workload.reference || row.ratio === ""
            ? ""
            : `<tspan dx="7" fill="#555" font-weight="normal">${escape(row.ratio)}</tspan>`;
          body.push(label.replace("</text>", `${ratio}</text>`));
        }
        y += ROW;
      }
    }
  }
  y += MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" ` +
    `viewBox="0 0 ${WIDTH} ${y}" font-family="${escape(FONT)}" role="img">`,
    `<title>@concurrent/futures against its peers (bench/RESULTS.md, ${
      escape(results.date)
    })</title>`,
    `<rect width="${WIDTH}" height="${y}" fill="#fff"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

/** Write bench/chart.svg, formatted as `deno fmt` wants it. */
export async function writeChart(svg: string): Promise<void> {
  const path = join(ROOT, "bench", "chart.svg");
  await Deno.writeTextFile(path, svg);
  // deno fmt formats SVG too, and `deno fmt --check` is part of the tests.
  await new Deno.Command(DENO, { args: ["fmt", "-q", path], cwd: ROOT }).output();
  console.log("wrote bench/chart.svg");
}
