// Conformance suite for sites built by Candor, with tools Candor did not write:
// the W3C Nu HTML Checker (vnu-jar), axe-core in Chromium (playwright-core), plus checks of
// links, the Atom feed, pages without JavaScript, printing to PDF and keyboard focus.
//
//   node run.mjs --site NAME=DIR [--site NAME=DIR ...] [--screenshots DIR]
//
// Exits 1 if any check fails, after running every check and printing every failure.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU_JAR = join(dirname(require.resolve('vnu-jar')), 'build', 'dist', 'vnu.jar');
const WIDTHS = { phone: 390, desktop: 1280 };
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const failures = [];
const fail = (check, message) => {
  failures.push(`[${check}] ${message}`);
  console.log(`  FAIL ${message}`);
};

function parseArgs() {
  const sites = [];
  let screenshots = join(here, 'screenshots');
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--site') {
      const [name, dir] = args[++i].split('=');
      sites.push({ name, dir: resolve(dir) });
    } else if (args[i] === '--screenshots') {
      screenshots = resolve(args[++i]);
    } else {
      throw new Error(`unknown argument ${args[i]}; use --site NAME=DIR and --screenshots DIR`);
    }
  }
  if (sites.length === 0) {
    throw new Error('give at least one --site NAME=DIR');
  }
  return { sites, screenshots };
}

function filesUnder(root) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

// 1. Every HTML page passes the Nu HTML Checker with zero errors.
function checkHtml(site, htmlFiles) {
  console.log(`\n[nu-html-checker] ${site.name}: ${htmlFiles.length} pages`);
  const result = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...htmlFiles], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    fail('nu-html-checker', `cannot run java: ${result.error.message}`);
    return;
  }
  let messages = [];
  try {
    messages = JSON.parse(result.stderr || '{"messages": []}').messages;
  } catch (error) {
    fail('nu-html-checker', `unreadable output: ${result.stderr.slice(0, 500)}`);
    return;
  }
  const errors = messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  for (const error of errors) {
    fail('nu-html-checker', `${relative(site.dir, fileURLToPath(error.url))}:${error.lastLine}: ${error.message}`);
  }
  if (errors.length === 0) console.log('  ok: zero errors');
}

// 2. Every internal link and asset reference resolves, fragments included, as from file://.
function checkLinks(site, htmlFiles) {
  console.log(`\n[links] ${site.name}`);
  const idsCache = new Map();
  const idsOf = (file) => {
    if (!idsCache.has(file)) {
      const text = readFileSync(file, 'utf8');
      idsCache.set(file, new Set([...text.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
    }
    return idsCache.get(file);
  };
  let checked = 0;
  for (const file of htmlFiles) {
    const text = readFileSync(file, 'utf8');
    const isRoot404 = relative(site.dir, file) === '404.html';
    for (const match of text.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const target = match[1].replaceAll('&amp;', '&');
      if (/^(https?:|mailto:)/i.test(target)) continue;
      if (isRoot404 && !target.startsWith('#')) {
        // The root 404 page is served at any depth; its links are relative to the site root.
      }
      checked++;
      const [path, fragment] = target.split('#');
      const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!existsSync(resolved) || statSync(resolved).isDirectory()) {
        fail('links', `${relative(site.dir, file)} links to ${target}, which does not exist`);
        continue;
      }
      if (fragment && resolved.endsWith('.html') && !idsOf(resolved).has(fragment)) {
        fail('links', `${relative(site.dir, file)} links to ${target}, but #${fragment} is not on that page`);
      }
    }
  }
  console.log(`  checked ${checked} internal references`);
}

// 3. The Atom feeds are well-formed and carry what RFC 4287 requires.
async function checkFeeds(site, browser) {
  console.log(`\n[atom] ${site.name}`);
  const page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><title>feed</title>');
  for (const file of filesUnder(site.dir).filter((f) => f.endsWith('feed.xml') || f.endsWith('overdue.xml'))) {
    const xml = readFileSync(file, 'utf8');
    const problems = await page.evaluate((source) => {
      const problems = [];
      const doc = new DOMParser().parseFromString(source, 'application/xml');
      if (doc.getElementsByTagName('parsererror').length) return ['not well-formed XML'];
      const ns = 'http://www.w3.org/2005/Atom';
      const feed = doc.documentElement;
      if (feed.namespaceURI !== ns || feed.localName !== 'feed') problems.push('the root is not an Atom feed');
      const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
      const direct = (parent, name) => [...parent.children].filter((c) => c.namespaceURI === ns && c.localName === name);
      for (const name of ['id', 'title', 'updated']) {
        if (direct(feed, name).length !== 1) problems.push(`the feed needs exactly one ${name}`);
      }
      const updated = direct(feed, 'updated')[0];
      if (updated && !date.test(updated.textContent)) problems.push(`feed updated is not RFC 3339: ${updated.textContent}`);
      const feedAuthor = direct(feed, 'author').length > 0;
      const ids = new Set();
      for (const entry of direct(feed, 'entry')) {
        for (const name of ['id', 'title', 'updated']) {
          if (direct(entry, name).length !== 1) problems.push(`an entry needs exactly one ${name}`);
        }
        const id = direct(entry, 'id')[0]?.textContent;
        if (ids.has(id)) problems.push(`two entries share the id ${id}`);
        ids.add(id);
        const entryUpdated = direct(entry, 'updated')[0];
        if (entryUpdated && !date.test(entryUpdated.textContent)) problems.push(`entry updated is not RFC 3339: ${entryUpdated.textContent}`);
        const alternates = direct(entry, 'link').filter((l) => (l.getAttribute('rel') || 'alternate') === 'alternate');
        if (alternates.length !== 1) problems.push(`entry ${id} has ${alternates.length} alternate links`);
        if (!feedAuthor && direct(entry, 'author').length === 0) problems.push(`entry ${id} has no author`);
      }
      return problems;
    }, xml);
    for (const problem of problems) fail('atom', `${relative(site.dir, file)}: ${problem}`);
    if (problems.length === 0) console.log(`  ok: ${relative(site.dir, file)}`);
  }
  await page.close();
}

// 4. Every page passes axe-core (WCAG 2.1 A and AA rules) at a phone and a desktop width, in
// the light and the dark colour scheme.
async function checkAxe(site, browser, htmlFiles) {
  const schemes = ['light', 'dark'];
  console.log(`\n[axe-core ${AXE_TAGS.join(',')}] ${site.name}: ${htmlFiles.length} pages x ${Object.keys(WIDTHS).length} widths x ${schemes.length} colour schemes`);
  let violations = 0;
  for (const colorScheme of schemes) {
    for (const [widthName, width] of Object.entries(WIDTHS)) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
      const page = await context.newPage();
      for (const file of htmlFiles) {
        await page.goto(pathToFileURL(file).href);
        await page.evaluate(AXE_SOURCE);
        const result = await page.evaluate(async (tags) => {
          // eslint-disable-next-line no-undef
          const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
          return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        }, AXE_TAGS);
        for (const v of result) {
          violations++;
          fail('axe', `${relative(site.dir, file)} (${widthName}, ${colorScheme}): ${v.id}: ${v.help} at ${v.nodes.join(', ')}`);
        }
      }
      await context.close();
    }
  }
  if (violations === 0) console.log('  ok: zero violations');
}

// 4b. No page scrolls sideways on a phone: at 320 and 390 px every page fits its width.
async function checkOverflow(site, browser, htmlFiles) {
  const widths = [320, 390];
  console.log(`\n[overflow] ${site.name}: ${htmlFiles.length} pages at ${widths.join(' and ')} px`);
  let overflowing = 0;
  for (const width of widths) {
    const context = await browser.newContext({ viewport: { width, height: 800 } });
    const page = await context.newPage();
    for (const file of htmlFiles) {
      await page.goto(pathToFileURL(file).href);
      const result = await page.evaluate(() => {
        const limit = document.documentElement.clientWidth;
        const scroll = document.documentElement.scrollWidth;
        if (scroll <= limit) return null;
        // Name the outermost element that sticks out, to say what to fix.
        const wide = [...document.body.querySelectorAll('*')].find((el) => {
          const box = el.getBoundingClientRect();
          return box.width > 0 && box.right > limit + 1;
        });
        const name = wide ? `${wide.tagName.toLowerCase()}${wide.id ? '#' + wide.id : ''}${wide.className && typeof wide.className === 'string' ? '.' + wide.className.trim().split(/\s+/).join('.') : ''}` : 'unknown';
        return { scroll, limit, name };
      });
      if (result) {
        overflowing++;
        fail('overflow', `${relative(site.dir, file)} at ${width} px: the page is ${result.scroll} px wide (widest: ${result.name})`);
      }
    }
    await context.close();
  }
  if (overflowing === 0) console.log('  ok: no page scrolls sideways');
}

const plain = (text) => (text || '')
  .replace(/\r/g, '')
  .replace(/[*_`>#|]/g, ' ')
  .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
  .replace(/\s+/g, ' ')
  .trim();
const textIn = (value, lang, reportLang) => {
  if (value == null) return null;
  if (typeof value === 'string') return value;
  return value[lang] ?? value[reportLang] ?? Object.values(value)[0];
};

// 5. Without JavaScript, every report page still shows all of its content.
async function checkWithoutJavaScript(site, browser) {
  console.log(`\n[no-javascript] ${site.name}`);
  const reports = JSON.parse(readFileSync(join(site.dir, 'data/incidents.json'), 'utf8'));
  const languages = readdirSync(site.dir).filter((d) => existsSync(join(site.dir, d, 'reports')));
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  let pages = 0;
  for (const lang of languages) {
    for (const report of reports) {
      const file = join(site.dir, lang, 'reports', `${report.id}.html`);
      await page.goto(pathToFileURL(file).href);
      const shown = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      const expect = [];
      const add = (label, value) => value && expect.push([label, plain(value)]);
      add('title', textIn(report.title, lang, report.language));
      const summaryFirst = plain(textIn(report.summary, lang, report.language)).split('. ')[0];
      add('summary', summaryFirst.slice(0, 80));
      for (const [i, event] of (report.timeline || []).entries()) {
        add(`timeline[${i}]`, plain(textIn(event.text, lang, report.language)).slice(0, 60));
        if (event.channel) add(`timeline[${i}].channel`, textIn(event.channel, lang, report.language));
      }
      if (report.root_cause) {
        add('root_cause.trigger', plain(textIn(report.root_cause.trigger, lang, report.language)).slice(0, 60));
        add('root_cause.description', plain(textIn(report.root_cause.description, lang, report.language)).slice(0, 60));
      }
      for (const [i, action] of (report.actions || []).entries()) {
        add(`actions[${i}].action`, plain(textIn(action.action, lang, report.language)).slice(0, 60));
        if (action.owner) add(`actions[${i}].owner`, textIn(action.owner, lang, report.language));
      }
      for (const [i, item] of (report.withheld || []).entries()) {
        add(`withheld[${i}].legal_basis`, plain(textIn(item.legal_basis, lang, report.language)).slice(0, 60));
      }
      for (const [label, value] of expect) {
        if (!shown.includes(value)) fail('no-javascript', `${lang}/reports/${report.id}.html does not show ${label}: "${value}"`);
      }
      // The key facts come first: before the first section heading, with every part.
      const keyFacts = await page.evaluate(() => {
        const block = document.querySelector('main .key-facts');
        if (!block) return { missing: true };
        const firstHeading = [...document.querySelectorAll('main h2')].find((h) => !block.contains(h));
        const before = !firstHeading || Boolean(block.compareDocumentPosition(firstHeading) & Node.DOCUMENT_POSITION_FOLLOWING);
        const part = (name) => (block.querySelector(`.key-${name} dd`)?.innerText || '').trim();
        return { before, impact: part('impact'), cause: part('cause'), told: part('told'), actions: part('actions'), publication: part('publication') };
      });
      const where = `${lang}/reports/${report.id}.html`;
      if (keyFacts.missing) {
        fail('key-facts', `${where} has no key-facts block`);
      } else {
        if (!keyFacts.before) fail('key-facts', `${where}: the key facts do not come before the first section heading`);
        for (const name of ['impact', 'cause', 'told', 'actions', 'publication']) {
          if (!keyFacts[name]) fail('key-facts', `${where}: the key facts say nothing under ${name}`);
        }
        const estimate = report.impact?.users_affected?.estimate;
        if (estimate != null) {
          const digits = keyFacts.impact.replace(/[^0-9]/g, '');
          if (!digits.includes(String(estimate))) fail('key-facts', `${where}: the key facts do not give the ${estimate} people affected`);
        }
      }
      pages++;
    }
  }
  await context.close();
  console.log(`  checked ${pages} report pages`);
}

// 6. A report printed to PDF holds the whole report and the link targets.
async function checkPrint(site, browser, screenshots) {
  console.log(`\n[print] ${site.name}`);
  const reports = JSON.parse(readFileSync(join(site.dir, 'data/incidents.json'), 'utf8'));
  const report = [...reports].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0];
  if (!report) return;
  const lang = readdirSync(site.dir).filter((d) => existsSync(join(site.dir, d, 'reports')))[0];
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(site.dir, lang, 'reports', `${report.id}.html`)).href);
  const pdf = join(screenshots, `${site.name}-report-print.pdf`);
  await page.pdf({ path: pdf, format: 'A4', printBackground: false });
  await page.close();
  const text = spawnSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (text.error) {
    fail('print', `cannot run pdftotext: ${text.error.message}`);
    return;
  }
  const printed = text.stdout.replace(/\s+/g, ' ');
  const squeezed = text.stdout.replace(/\s+/g, '');
  const must = [];
  const last = report.timeline?.[report.timeline.length - 1];
  if (last) must.push(['last timeline event', plain(textIn(last.text, lang, report.language)).slice(0, 40)]);
  if (report.root_cause) must.push(['root cause', plain(textIn(report.root_cause.trigger, lang, report.language)).slice(0, 40)]);
  const lastAction = report.actions?.[report.actions.length - 1];
  if (lastAction) must.push(['last action', plain(textIn(lastAction.action, lang, report.language)).slice(0, 40)]);
  for (const [label, value] of must) {
    if (!printed.includes(value) && !squeezed.includes(value.replace(/\s+/g, ''))) fail('print', `the printed report lacks the ${label}: "${value}"`);
  }
  const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info.stdout || '');
  if (!size || Math.abs(+size[1] - 595.3) > 2 || Math.abs(+size[2] - 841.9) > 2) fail('print', `the printed report is not A4: ${size ? size[0] : info.stderr || 'no page size'}`);
  const manifest = JSON.parse(readFileSync(join(site.dir, 'manifest.json'), 'utf8'));
  const baseUrl = readFileSync(join(site.dir, lang, 'reports', `${report.id}.html`), 'utf8').match(/<link rel="canonical" href="([^"]+)"/)?.[1];
  if (baseUrl && !squeezed.includes(baseUrl)) fail('print', `the printed report does not carry its address ${baseUrl}`);
  if (!baseUrl) fail('print', `${lang}/reports/${report.id}.html has no canonical address`);
  // The revision printed is the report's latest published revision, the one its citation
  // names and links to its permanent page.
  const pageHtml = readFileSync(join(site.dir, lang, 'reports', `${report.id}.html`), 'utf8');
  const cited = pageHtml.match(/class="citation">[^]*?<a href="([^"\/]+)\/([0-9a-f]{7,})\.html"/);
  if (manifest.source_commit && !cited) fail('print', `${lang}/reports/${report.id}.html cites no revision`);
  if (cited) {
    if (!existsSync(join(site.dir, lang, 'reports', cited[1], `${cited[2]}.html`))) fail('print', `the cited revision ${cited[2]} has no page`);
    if (!squeezed.includes(cited[2])) fail('print', `the printed report does not carry its revision ${cited[2]}`);
  }
  const link = (report.actions || []).map((a) => a.evidence).find(Boolean) || (report.references || []).map((r) => r.url)[0];
  if (link && !squeezed.includes(link.replace(/\s+/g, ''))) fail('print', `the printed report does not show the link target ${link}`);
  console.log(`  ${pdf}`);
}

// 6b. Searching a word of a bundled report's cause finds the report in each language, by typing
// and through a shared ?q= address.
async function checkSearch(site, browser) {
  console.log(`\n[search] ${site.name}`);
  const reports = JSON.parse(readFileSync(join(site.dir, 'data/incidents.json'), 'utf8'));
  const languages = readdirSync(site.dir).filter((d) => existsSync(join(site.dir, d, 'reports')));
  const report = reports.find((r) => r.root_cause?.trigger);
  if (!report) return;
  const page = await browser.newPage();
  for (const lang of languages) {
    const words = plain(textIn(report.root_cause.trigger, lang, report.language)).split(/[^\p{L}]+/u);
    const word = words.sort((a, b) => b.length - a.length)[0].toLowerCase();
    const target = `reports/${report.id}.html`;
    const found = async () => page.locator(`#search-results a[href="${target}"]`).count();
    await page.goto(pathToFileURL(join(site.dir, lang, 'index.html')).href);
    await page.fill('#search-input', word);
    if ((await found()) === 0) fail('search', `${lang}: typing "${word}" (from ${report.id}'s cause) does not find it`);
    await page.goto(`${pathToFileURL(join(site.dir, lang, 'index.html')).href}?q=${encodeURIComponent(word)}`);
    if ((await found()) === 0) fail('search', `${lang}: index.html?q=${word} does not find ${report.id}`);
    // The header's search box on any other page leads there too.
    await page.goto(pathToFileURL(join(site.dir, lang, 'about.html')).href);
    await page.fill('#header-search-input', word);
    await page.press('#header-search-input', 'Enter');
    await page.waitForLoadState();
    if ((await found()) === 0) fail('search', `${lang}: the header search for "${word}" does not find ${report.id}`);
    console.log(`  ${lang}: "${word}" finds ${report.id}`);
  }
  await page.close();
}

// 6c. Languages never mix: pages in one language carry no interface text of the other.
// Text a report wrote in another language is marked with lang and left out; so is code.
const OTHER_LANGUAGE_WORDS = {
  en: ['og', 'ikke', 'til', 'af', 'med', 'blev', 'efter', 'hændelse', 'hændelsen', 'rapporten', 'tiltag', 'frist', 'forsinket', 'offentligheden'],
  da: ['the', 'and', 'was', 'with', 'not', 'overdue', 'report', 'action', 'actions', 'incident', 'public', 'deadline', 'published'],
};
async function checkLanguages(site, browser, htmlFiles) {
  console.log(`\n[languages] ${site.name}`);
  const page = await browser.newPage();
  let checked = 0;
  for (const file of htmlFiles) {
    const lang = relative(site.dir, file).split(/[\\/]/)[0];
    const words = OTHER_LANGUAGE_WORDS[lang];
    if (!words) continue;
    await page.goto(pathToFileURL(file).href);
    const text = await page.evaluate((lang) => {
      const body = document.body.cloneNode(true);
      body.querySelectorAll('[lang], pre, code, script, .visually-hidden-url').forEach((el) => {
        if (!el.hasAttribute('lang') || el.getAttribute('lang') !== lang) el.remove();
      });
      // Addresses and commit ids are in no language.
      return body.innerText.replace(/https?:\/\/\S+/g, ' ').replace(/\b(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b/g, ' ');
    }, lang);
    const found = words.filter((w) => new RegExp(`(^|[^\\p{L}])${w}([^\\p{L}]|$)`, 'iu').test(text));
    if (found.length) fail('languages', `${relative(site.dir, file)} shows words of another language: ${found.join(', ')}`);
    checked++;
  }
  await page.close();
  console.log(`  checked ${checked} pages`);
}

// 6d. The calendars of due actions parse as iCalendar (the Python icalendar package) and
// hold one event per open action with a due date, each with a unique UID.
function checkCalendars(site) {
  console.log(`\n[icalendar] ${site.name}`);
  const actions = JSON.parse(readFileSync(join(site.dir, 'data/actions.json'), 'utf8')).actions;
  const open = actions.filter((a) => a.due && (a.status === 'planned' || a.status === 'in-progress')).length;
  for (const file of filesUnder(site.dir).filter((f) => f.endsWith('.ics'))) {
    const result = spawnSync('python3', ['-c', `
import sys, icalendar
calendar = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
events = list(calendar.walk('VEVENT'))
uids = [str(e['UID']) for e in events]
assert len(uids) == len(set(uids)), 'duplicate UIDs'
for e in events:
    assert e.get('DTSTART') is not None and e.get('SUMMARY') is not None and e.get('DTSTAMP') is not None
print(len(events))
`, file], { encoding: 'utf8' });
    if (result.status !== 0) {
      fail('icalendar', `${relative(site.dir, file)}: ${(result.stderr || '').trim().split('\n').pop()}`);
      continue;
    }
    const events = Number(result.stdout.trim());
    if (events !== open) fail('icalendar', `${relative(site.dir, file)} has ${events} events for ${open} open actions with a due date`);
    else console.log(`  ok: ${relative(site.dir, file)} (${events} events)`);
  }
}

// 7. Screenshots of the index and a report page at both widths, for people to look at.
async function takeScreenshots(site, browser, screenshots) {
  console.log(`\n[screenshots] ${site.name}`);
  const reports = JSON.parse(readFileSync(join(site.dir, 'data/incidents.json'), 'utf8'));
  const lang = readdirSync(site.dir).filter((d) => existsSync(join(site.dir, d, 'reports')))[0];
  const pages = { index: join(site.dir, lang, 'index.html') };
  if (reports[0]) pages.report = join(site.dir, lang, 'reports', `${reports[0].id}.html`);
  if (existsSync(join(site.dir, lang, 'sources.html'))) pages.sources = join(site.dir, lang, 'sources.html');
  for (const [widthName, width] of Object.entries(WIDTHS)) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const [name, file] of Object.entries(pages)) {
      await page.goto(pathToFileURL(file).href);
      const path = join(screenshots, `${site.name}-${name}-${widthName}.png`);
      await page.screenshot({ path, fullPage: true });
      console.log(`  ${path}`);
    }
    await page.close();
  }
}

// 8. Every interactive element is reachable with Tab and visibly focused.
async function checkKeyboard(site, browser, htmlFiles) {
  console.log(`\n[keyboard] ${site.name}`);
  const reports = JSON.parse(readFileSync(join(site.dir, 'data/incidents.json'), 'utf8'));
  const lang = readdirSync(site.dir).filter((d) => existsSync(join(site.dir, d, 'reports')))[0];
  const targets = [join(site.dir, lang, 'index.html')];
  if (reports[0]) targets.push(join(site.dir, lang, 'reports', `${reports[0].id}.html`));
  targets.push(join(site.dir, lang, 'actions.html'));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const file of targets) {
    await page.goto(pathToFileURL(file).href);
    const expected = await page.evaluate(() => {
      const selector = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
      const all = [...document.querySelectorAll(selector)].filter((el) => {
        if (el.disabled || el.closest('[hidden]')) return false;
        const style = getComputedStyle(el);
        return style.visibility !== 'hidden' && style.display !== 'none';
      });
      all.forEach((el, i) => el.setAttribute('data-kb', String(i)));
      return all.length;
    });
    const reached = new Set();
    let invisible = [];
    for (let i = 0; i < expected + 10; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        return { id: el.getAttribute('data-kb'), visible, label: `${el.tagName.toLowerCase()} ${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40)}` };
      });
      if (!info || info.id === null) continue;
      reached.add(info.id);
      if (!info.visible) invisible.push(info.label);
    }
    const name = relative(site.dir, file);
    if (reached.size < expected) fail('keyboard', `${name}: ${expected - reached.size} of ${expected} interactive elements cannot be reached with Tab`);
    invisible = [...new Set(invisible)];
    for (const label of invisible.slice(0, 5)) fail('keyboard', `${name}: no visible focus on ${label}`);
    if (reached.size >= expected && invisible.length === 0) console.log(`  ok: ${name} (${expected} elements)`);
  }
  await page.close();
}

const { sites, screenshots } = parseArgs();
mkdirSync(screenshots, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
try {
  for (const site of sites) {
    console.log(`\n=== ${site.name}: ${site.dir}`);
    const htmlFiles = filesUnder(site.dir).filter((f) => f.endsWith('.html'));
    // The root page only sends readers on to a language (it is validated, linked and not
    // opened in the browser, where its refresh would navigate away mid-check).
    const pages = htmlFiles.filter((f) => relative(site.dir, f) !== 'index.html');
    checkHtml(site, htmlFiles);
    checkLinks(site, htmlFiles);
    await checkFeeds(site, browser);
    await checkAxe(site, browser, pages);
    await checkOverflow(site, browser, pages);
    await checkWithoutJavaScript(site, browser);
    await checkPrint(site, browser, screenshots);
    await checkSearch(site, browser);
    checkCalendars(site);
    await checkLanguages(site, browser, pages);
    await takeScreenshots(site, browser, screenshots);
    await checkKeyboard(site, browser, htmlFiles);
  }
} finally {
  await browser.close();
}
writeFileSync(join(screenshots, 'failures.txt'), failures.join('\n') + '\n');
console.log(`\nScreenshots and printed PDFs: ${screenshots}`);
if (failures.length) {
  console.log(`\n${failures.length} failure(s):\n${failures.join('\n')}`);
  process.exit(1);
}
console.log('\nAll conformance checks passed.');
