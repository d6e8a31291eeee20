/** Why a move stopped before the end, and how a whole-call failure is read as one. */
import type { ProcessIdentity } from '../../common/types.js';
import type { MoveBackend } from './backend.js';
import { MigratorError, errorCode } from './errors.js';
import { describeCallFailure } from './preflight.js';
import { SurveyHalted } from './survey.js';
import type { MoveOutcome } from './types.js';

export class Stop {
  constructor(
    readonly outcome: Exclude<MoveOutcome, 'complete'>,
    readonly code: string,
    readonly detail: string,
  ) {}
}

/** The stop for a cancel, between calls or while waiting. */
export const cancelled = (): Stop => new Stop('cancelled', 'ABORTED', 'cancelled');

/** Classifies a whole-call failure: the process went away, or the call itself failed. */
export async function stopFor(error: unknown, identity: ProcessIdentity, backend: Pick<MoveBackend, 'whyGone'>): Promise<Stop> {
  const code = errorCode(error) ?? 'EIO';
  if (code === 'ESRCH' || code === 'EINVAL' || code === 'ENOENT') {
    const gone = await backend.whyGone(identity);
    if (gone !== null || code === 'ESRCH') return new Stop('exited', 'ESRCH', gone ?? `process ${identity.pid} exited`);
  }
  if (error instanceof MigratorError) return new Stop('failed', code, error.message);
  return new Stop('failed', code, describeCallFailure('move_pages', code));
}

/** The error for a query that failed, or was halted by a cancel, before any page was sent. */
export async function notStartedError(error: unknown, identity: ProcessIdentity, backend: Pick<MoveBackend, 'whyGone'>): Promise<MigratorError> {
  if (error instanceof SurveyHalted) return new MigratorError('ABORTED', identity.pid, 'move cancelled before any page was moved');
  const why = await stopFor(error, identity, backend);
  const message = why.outcome === 'exited' ? `${why.detail} before any page was moved` : why.detail;
  return new MigratorError(why.code, identity.pid, message, { cause: error });
}
