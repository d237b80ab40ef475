/**
 * The job journal: every admitted job is written down before it is acknowledged as queued and
 * crossed out once it has ended, so that a process that dies (kill -9, OOM, a lost host) leaves a
 * list another process can finish. The store keeps it; jobs/journal.ts writes it; the Discord side
 * turns an entry back into a job.
 */

/**
 * How far a job got: `queued` (not yet sent to Gemini), `running` (sent; `attempts` counts the
 * times), `delivering` (Gemini answered and the result is being posted: never run again, since it
 * may already be on Discord).
 */
export type JournalState = 'queued' | 'running' | 'delivering';

export interface JournalEntry {
  readonly jobId: string;
  /** The process that runs it (see JournalOwner). */
  readonly owner: string;
  readonly state: JournalState;
  /** How many times the job was sent to Gemini. */
  readonly attempts: number;
  /** The job as JSON (jobs/journal.ts: JournaledJob), everything needed to run and answer it again. */
  readonly payload: string;
  readonly createdAt: number;
}

/** What the store keeps of the journal: entries, and the processes' leases on them. */
export interface JobJournalStore {
  journalAdd(entry: Omit<JournalEntry, 'state' | 'attempts'>): Promise<void>;
  /**
   * Moves a job on. `attempts` is the count after this step (a job sent to Gemini for the second
   * time passes 2): a number, not an increment, so that a write retried after a lost answer does
   * not count twice. With `owner`, only while the entry is still that process's (a process whose
   * lease ran out may have lost it to another): resolves to whether it was, and so was moved on.
   */
  journalMark(
    jobId: string,
    state: Exclude<JournalState, 'queued'>,
    attempts: number,
    owner?: string,
  ): Promise<boolean>;
  /** Replaces a job's payload (its target learnt a message to edit), while `owner` still holds it. */
  journalUpdate(jobId: string, owner: string, payload: string): Promise<boolean>;
  /** The job ended (delivered, refused, told): its entry goes (with `owner`: only if still that process's). */
  journalDone(jobId: string, owner?: string): Promise<void>;
  /** Says that `owner` is alive until `expiresAt`; a process renews it well before then. */
  journalRenew(owner: string, expiresAt: number): Promise<void>;
  /**
   * Hands `owner` every entry whose process's lease ended before `now` (or that has no lease at
   * all), atomically: two processes taking over at once never get the same entry. Answers every
   * entry `owner` holds afterwards, its own running ones included (the caller knows those), so a
   * call retried after a lost answer loses nothing.
   */
  journalTakeOver(owner: string, now: number): Promise<JournalEntry[]>;
  /** A process that stops cleanly gives up its lease (its entries are done by then). */
  journalRelease(owner: string): Promise<void>;
}
