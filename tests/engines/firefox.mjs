// Firefox ESR (Gecko, with JSPI) for tests/engines, driven by puppeteer-core over WebDriver BiDi
// (Playwright's BiDi Firefox fails on this ESR: emulation.setMediaFeaturesOverride is unknown).
// One browser, one page. Commands come as JSON lines on stdin, answers go as JSON lines on stdout:
//   {"do":"goto","url"}              -> {}
//   {"do":"call","source","args"}    -> {"value"}   source: a function, awaited in the page
//   {"do":"keys","keys":[...]}       -> {}          "Tab", "Control+Enter", or {"text": "..."}
//   {"do":"events"}                  -> {"requests":[url...], "errors":[message...]} since the last call
//   {"do":"close"}                   -> {}
// Every answer carries "error" instead when the command failed.

import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const executablePath = process.argv[2] ?? "/usr/bin/firefox-esr";
const browser = await puppeteer.launch({ browser: "firefox", executablePath, headless: true });
const page = await browser.newPage();
page.setDefaultTimeout(0); // the Python side bounds every wait
let requests = [];
let errors = [];
page.on("request", (request) => requests.push(request.url()));
page.on("pageerror", (error) => errors.push(String(error?.message ?? error)));

async function press(chord) {
  const keys = chord.split("+");
  for (const key of keys.slice(0, -1)) await page.keyboard.down(key);
  await page.keyboard.press(keys[keys.length - 1]);
  for (const key of keys.slice(0, -1).reverse()) await page.keyboard.up(key);
}

const commands = {
  goto: async ({ url }) => {
    await page.goto(url, { waitUntil: "load" });
    return {};
  },
  call: async ({ source, args }) => ({
    value: await page.evaluate(`(${source})(...${JSON.stringify(args ?? [])})`),
  }),
  keys: async ({ keys }) => {
    for (const key of keys) {
      if (typeof key === "string") await press(key);
      else await page.keyboard.type(key.text);
    }
    return {};
  },
  events: async () => {
    const answer = { requests, errors };
    requests = [];
    errors = [];
    return answer;
  },
  version: async () => ({ value: await browser.version() }),
  close: async () => {
    await browser.close();
    return {};
  },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const command = JSON.parse(line);
  let answer;
  try {
    answer = await commands[command.do](command);
  } catch (error) {
    answer = { error: String(error?.stack ?? error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
  if (command.do === "close") break;
}
process.exit(0);
