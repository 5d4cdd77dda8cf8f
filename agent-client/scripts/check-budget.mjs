// Fails the build when the agent desktop's JS + CSS is over budget (gzipped).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 200 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let total = 0;
for (const file of walk(dist)) {
  if (!/\.(js|css)$/.test(file)) continue;
  const gz = gzipSync(readFileSync(file), { level: 9 }).length;
  total += gz;
  console.log(`${file.slice(dist.length + 1)}: ${gz} bytes gzipped`);
}
console.log(`agent desktop JS+CSS: ${total} bytes gzipped (budget ${BUDGET_BYTES})`);
if (total > BUDGET_BYTES) {
  console.error(`over budget by ${total - BUDGET_BYTES} bytes`);
  process.exit(1);
}
