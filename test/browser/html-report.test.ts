import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../../cli/commands/scan.js';
import type { ScanReport } from '../../cli/report/model.js';
import { launchChromium } from './chromium.js';

let browser: Browser;
let page: Page;
let report: ScanReport;
const requests: string[] = [];

beforeAll(async () => {
  const scan = await runScan({ demo: true, format: 'html', color: false, region: [], account: [], param: [], roleName: 'R', concurrency: 1 });
  report = scan.report;
  const file = join(await mkdtemp(join(tmpdir(), 'html-report-')), 'report.html');
  await writeFile(file, scan.rendered);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const visibleRows = () => page.locator('#findings tbody tr:not([hidden])');

describe('--format html in a real browser', () => {
  it('loads nothing from the network: one self-contained file', () => {
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  });

  it('shows the summary counts and every result', async () => {
    await expect(page.title()).resolves.toBe(`ecr-guardrails report: ${report.summary.NON_COMPLIANT} NON_COMPLIANT`);
    expect(await page.locator('.card.NON_COMPLIANT b').textContent()).toBe(String(report.summary.NON_COMPLIANT));
    expect(await visibleRows().count()).toBe(report.results.length);
    expect(await page.locator('#shown').textContent()).toBe(`${report.results.length} of ${report.results.length} results shown`);
    const byRule = page.locator('table.summary', { hasText: 'By rule' });
    for (const rule of report.rules) await expect(byRule.locator('th', { hasText: rule.id }).count()).resolves.toBe(1);
    const fix = report.results.find((f) => f.remediation)!;
    await expect(page.locator('code', { hasText: `--document-name ${fix.remediation!.documentName} --parameters ${Object.keys(fix.remediation!.parameters)[0]}=` }).count()).resolves.toBeGreaterThan(0);
  });

  it('filters by text and by status, and keeps the filter in the URL', async () => {
    await page.fill('#q', 'payments/');
    const expected = report.results.filter((f) => `${f.resourceId} ${f.annotation}`.toLowerCase().includes('payments/') || f.ruleId.includes('payments/')).length;
    expect(expected).toBeGreaterThan(0);
    expect(await visibleRows().count()).toBe(expected);
    for (const text of await visibleRows().allTextContents()) expect(text.toLowerCase()).toContain('payments/');
    await page.fill('#q', '');
    await page.selectOption('#status', 'NON_COMPLIANT');
    expect(await visibleRows().count()).toBe(report.summary.NON_COMPLIANT);
    for (const status of await visibleRows().locator('td.status').allTextContents()) expect(status).toBe('NON_COMPLIANT');
    expect(new URL(page.url()).hash).toBe('#status=NON_COMPLIANT');
    await page.reload();
    expect(await page.inputValue('#status')).toBe('NON_COMPLIANT');
    expect(await visibleRows().count()).toBe(report.summary.NON_COMPLIANT);
    await page.selectOption('#status', '');
  });

  it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    const header = page.locator('#findings thead th', { hasText: 'Resource' });
    await header.click();
    const ascending = await page.locator('#findings tbody tr td:nth-child(6)').allTextContents();
    expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    await header.click();
    expect(await page.locator('#findings tbody tr td:nth-child(6)').allTextContents()).toEqual([...ascending].reverse());
  });
});
