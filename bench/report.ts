import { cpus, totalmem } from 'node:os';

export interface Table {
  readonly caption?: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ScenarioReport {
  readonly title: string;
  /** One line: how the figures were obtained. */
  readonly method: string;
  readonly tables: readonly Table[];
  readonly notes?: readonly string[];
  /** Set when the scenario could not finish; its tables hold whatever was measured before. */
  readonly error?: string;
  readonly durationMs?: number;
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
  };
}

function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderTable(table: Table): string {
  const lines: string[] = [];
  if (table.caption) lines.push(`*${table.caption}*`, '');
  lines.push(`| ${table.headers.map(escapeCell).join(' | ')} |`);
  lines.push(`| ${table.headers.map(() => '---').join(' | ')} |`);
  for (const row of table.rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  return lines.join('\n');
}

export function renderScenario(scenario: ScenarioReport): string {
  const parts = [`## ${scenario.title}`];
  if (scenario.error) parts.push(`**Not completed:** ${scenario.error}`);
  parts.push(...scenario.tables.map(renderTable));
  parts.push(`Method: ${scenario.method}`);
  if (scenario.notes && scenario.notes.length > 0) parts.push(scenario.notes.map((n) => `- ${n}`).join('\n'));
  if (scenario.durationMs !== undefined) {
    parts.push(`_Scenario wall time: ${(scenario.durationMs / 1000).toFixed(1)} s._`);
  }
  return parts.join('\n\n');
}

export function renderReport(input: {
  date: Date;
  machine: MachineInfo;
  totalMs: number;
  scenarios: readonly ScenarioReport[];
}): string {
  const { date, machine, totalMs, scenarios } = input;
  const header = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts): figures from one run against the loopback Discord and Gemini emulators, with the compiled bot (`node dist/src/index.js`) and the real discord.js and @google/genai clients. Figures, not pass/fail; a run on another machine will differ.',
    '',
    `- Date: ${date.toISOString()}`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory} RAM, Node ${machine.node}`,
    `- Whole run: ${(totalMs / 1000).toFixed(1)} s`,
  ].join('\n');
  return `${[header, ...scenarios.map(renderScenario)].join('\n\n')}\n`;
}
