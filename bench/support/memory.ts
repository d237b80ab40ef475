import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Resident set now (VmRSS), bytes. */
  rss: number;
  /** Kernel's peak resident set since the process started (VmHWM), bytes. */
  hwm: number;
}

export function readProcessMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') * 1024, hwm: kib('VmHWM') * 1024 };
}

/** Samples a process's memory every `intervalMs` until stopped; keeps the peak and the samples. */
export class MemorySampler {
  readonly samples: { at: number; rss: number }[] = [];
  peakRss = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 50,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  sample(): ProcessMemory | undefined {
    const memory = readProcessMemory(this.pid);
    if (memory) {
      this.samples.push({ at: Date.now(), rss: memory.rss });
      this.peakRss = Math.max(this.peakRss, memory.rss);
    }
    return memory;
  }

  /** Stops sampling; returns the last reading (with the kernel's own peak). */
  stop(): ProcessMemory | undefined {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.sample();
  }
}

export interface ProcessIo {
  /** Bytes passed to read()-like syscalls, sockets and pipes included. */
  rchar: number;
  wchar: number;
}

export function readProcessIo(pid: number): ProcessIo | undefined {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? NaN);
    return { rchar: field('rchar'), wchar: field('wchar') };
  } catch {
    return undefined;
  }
}

/** CPU time a process has used so far, user + system, all its threads (libuv's and sharp's included), ms. */
export function readProcessCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/**
 * CPU time the whole machine spent busy so far (every core: user, nice, system, irq, softirq), in
 * ms; undefined off Linux. With readProcessCpuMs it shows what the processes measured leave to the
 * rest (databases, the kernel's loopback traffic).
 */
export function readMachineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ, which is 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;
