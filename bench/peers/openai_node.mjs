// The official `openai` npm package as a peer on the same nginx endpoint:
// sequential completions, then many at a fixed concurrency, each read like
// the C++ side reads them (choices[].text, usage.total_tokens).
// usage: node openai_node.mjs BASE_URL [SEQUENTIAL] [TOTAL] [CONCURRENCY] [ROUNDS]
//   BASE_URL is e.g. http://127.0.0.1:18090/small/v1; prints req/s medians.
//   A count of 0 skips that part.
import OpenAI from 'openai';

const [baseURL, sequentialArg, totalArg, concurrencyArg, roundsArg] =
  process.argv.slice(2);
if (!baseURL) {
  console.error('usage: node openai_node.mjs BASE_URL [SEQUENTIAL] [TOTAL] [CONCURRENCY] [ROUNDS]');
  process.exit(2);
}
const kSequential = Number(sequentialArg ?? 5000);
const kTotal = Number(totalArg ?? 20000);
const kConcurrency = Number(concurrencyArg ?? 64);
const kRounds = Number(roundsArg ?? 3);
// Untimed requests first, as the C++ side warms both of its sides.
const kWarmupDivisor = 10;

const client = new OpenAI({ baseURL, apiKey: 'sk-bench', maxRetries: 0 });
const request = {
  model: 'gpt-3.5-turbo-instruct',
  prompt: 'Write a tagline for an ice cream shop.',
  max_tokens: 50,
  temperature: 0.7,
};

let checksum = 0;
function tally(completion) {
  for (const choice of completion.choices) checksum += choice.text.length;
  checksum += completion.usage?.total_tokens ?? 0;
}

async function sequential(count) {
  const start = performance.now();
  for (let i = 0; i < count; i++) tally(await client.completions.create(request));
  return count / ((performance.now() - start) / 1000);
}

async function concurrent(count, concurrency) {
  let next = 0;
  async function worker() {
    while (next < count) {
      next++;
      tally(await client.completions.create(request));
    }
  }
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count / ((performance.now() - start) / 1000);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function measure(name, run) {
  const rates = [];
  for (let round = 0; round < kRounds; round++) rates.push(await run());
  console.log(`${name}: ${Math.round(median(rates))} req/s (rounds: ${rates.map(Math.round).join(', ')})`);
}

const version = (await import('openai/version')).VERSION;
console.log(`openai ${version}, node ${process.version}`);
if (kSequential > 0) {
  await sequential(Math.ceil(kSequential / kWarmupDivisor));
  await measure(`sequential, ${kSequential} requests`, () => sequential(kSequential));
}
if (kTotal > 0) {
  await concurrent(Math.ceil(kTotal / kWarmupDivisor), kConcurrency);
  await measure(`concurrency ${kConcurrency}, ${kTotal} requests`,
                () => concurrent(kTotal, kConcurrency));
}
console.log(`checksum ${checksum}`);
