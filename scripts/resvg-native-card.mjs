// Issue 9: single-thread ms per SVG card for native resvg (@resvg/resvg-js, the node-render peer's `resvg` mode
// engine), in process, the same card and width as scripts/GraalWasmSpike.java. Usage:
//   node scripts/resvg-native-card.mjs PEER_DIR [rounds] [warmup]   (PEER_DIR: ../shared/peers/node-render)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [peer, roundsArg, warmupArg] = process.argv.slice(2);
const require = createRequire(path.resolve(peer, 'package.json'));
const { Resvg } = require('@resvg/resvg-js');
const svg = readFileSync('kiln-loadgen/src/main/resources/dev/kiln/loadgen/reference-card.svg', 'utf8');
const rounds = Number(roundsArg ?? 20);
const warmup = Number(warmupArg ?? 10);
const opts = { fitTo: { mode: 'width', value: 1200 }, font: { loadSystemFonts: false } };
const cases = {
  'native resvg draw (raw RGBA)': () => new Resvg(svg, opts).render().pixels,
  'native resvg draw + png': () => new Resvg(svg, opts).render().asPng(),
};
const ms = {};
for (let r = 0; r < warmup + rounds; r++) {
  for (const [name, fn] of Object.entries(cases)) {
    const t = process.hrtime.bigint();
    fn();
    const d = Number(process.hrtime.bigint() - t) / 1e6;
    if (r >= warmup) (ms[name] ??= []).push(d);
  }
}
for (const [name, v] of Object.entries(ms)) {
  v.sort((a, b) => a - b);
  console.log(`${name.padEnd(50)} ${v[v.length >> 1].toFixed(1).padStart(10)} ${v[0].toFixed(1).padStart(10)} ${v[v.length - 1].toFixed(1).padStart(10)}`);
}
