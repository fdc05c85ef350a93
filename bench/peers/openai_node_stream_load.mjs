// The load of `budgateway bench --stream` driven through the official
// `openai` npm package, measured with the same definitions: a request starts
// when create() is called; TTFT is the first chunk with text; latency ends at
// the last chunk with text; ITL is every gap between text chunks after the
// first; output tokens come from usage (stream_options.include_usage).
// Each chunk is stamped when the package's async iterator yields it.
// usage: node openai_node_stream_load.mjs BASE_URL REQUESTS CONCURRENCY MAX_TOKENS [HEADER=VALUE...]
//   prints one JSON object with the same fields as `budgateway bench --json`.
import OpenAI from 'openai';

const [baseURL, requestsArg, concurrencyArg, maxTokensArg, ...headerArgs] =
  process.argv.slice(2);
if (!baseURL || !requestsArg || !concurrencyArg || !maxTokensArg) {
  console.error('usage: node openai_node_stream_load.mjs BASE_URL REQUESTS CONCURRENCY MAX_TOKENS [HEADER=VALUE...]');
  process.exit(2);
}
const kRequests = Number(requestsArg);
const kConcurrency = Number(concurrencyArg);
const kMaxTokens = Number(maxTokensArg);
const kPromptWords = 32;
const kWords = ['the', 'of', 'and', 'to', 'in', 'is', 'you', 'that', 'it', 'he',
                'was', 'for', 'on', 'are', 'as', 'with', 'his', 'they', 'at', 'be'];

const defaultHeaders = Object.fromEntries(headerArgs.map((h) => h.split('=', 2)));
const client = new OpenAI({ baseURL, apiKey: 'sk-bench', maxRetries: 0, defaultHeaders });

function prompt(index) {
  const words = [];
  for (let k = 0; k < kPromptWords; k++) words.push(kWords[(index + k) % kWords.length]);
  return words.join(' ');
}

const latency = [];
const ttft = [];
const tpot = [];
const itl = [];
let outputTokens = 0;
let failed = 0;

async function one(index) {
  const start = performance.now();
  let first;
  let last;
  let tokens;
  let textChunks = 0;
  try {
    const stream = await client.completions.create({
      model: 'my-model', prompt: prompt(index), max_tokens: kMaxTokens,
      stream: true, stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      const now = performance.now();
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
      if (!chunk.choices?.some((choice) => choice.text)) continue;
      textChunks++;
      if (first === undefined) first = now;
      else itl.push(now - last);
      last = now;
    }
  } catch {
    failed++;
    return;
  }
  tokens ??= textChunks;
  outputTokens += tokens;
  latency.push(last - start);
  ttft.push(first - start);
  if (tokens > 1) tpot.push((last - first) / (tokens - 1));
}

function distribution(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.max(Math.ceil((p / 100) * sorted.length), 1) - 1];
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, mean, p50: rank(50), p90: rank(90), p99: rank(99),
           max: sorted[sorted.length - 1] };
}

let next = 0;
async function worker() {
  while (next < kRequests) await one(next++);
}
const start = performance.now();
await Promise.all(Array.from({ length: kConcurrency }, worker));
const seconds = (performance.now() - start) / 1000;
const version = (await import('openai/version')).VERSION;
console.log(JSON.stringify({
  client: `openai ${version}, node ${process.version}`,
  concurrency: kConcurrency, requests: kRequests, succeeded: kRequests - failed, failed,
  duration_s: seconds, requests_per_s: (kRequests - failed) / seconds,
  output_tokens: outputTokens, output_tokens_per_s: outputTokens / seconds,
  latency_ms: distribution(latency), ttft_ms: distribution(ttft),
  tpot_ms: distribution(tpot), itl_ms: distribution(itl),
}));
