// Builds the per-execution SyncContext from the ports: settings from Script Properties, the
// AmoCRM token source and client (with this execution's deadline), the status directory.
import { uiLanguage } from './config';
import { createTokenSource } from '../amo/auth';
import { AmoClient } from '../amo/client';
import { StatusDirectory } from '../amo/pipelines';
import { readSettings } from './config';
import { requireConsent, SCOPES } from './consent';
import { Ports, SAFE_WORK_MS, SyncContext } from './context';
import { LogEntry, SyncLog } from './sync-log';

export interface ContextOptions {
  flow: LogEntry['flow'];
  /** How long this execution may talk to AmoCRM (webhooks must answer in ~2 s). */
  amoBudgetMs?: number;
  /** How long it may keep starting new batches of work. */
  workBudgetMs?: number;
}

/** Throws an Error whose message tells the person which setting to fix. */
export function buildContext(ports: Ports, options: ContextOptions): SyncContext {
  requireConsent(ports.triggers, [SCOPES.external], 'talk to AmoCRM');
  const props = ports.props.getAll();
  const result = readSettings(props);
  if (!result.ok) throw new Error(result.error);
  const startedAt = ports.clock.now();
  const tokens = createTokenSource(props, {
    store: ports.props,
    cache: ports.cache,
    mutex: ports.lock,
    http: ports.http,
    clock: ports.clock,
    logger: ports.logger,
    sha256Hex: ports.sha256Hex,
  });
  const amo = new AmoClient({
    baseUrl: result.settings.baseUrl,
    http: ports.http,
    clock: ports.clock,
    tokens,
    logger: ports.logger,
    deadlineMs: startedAt + (options.amoBudgetMs ?? 5.5 * 60 * 1000),
  });
  return {
    ...ports,
    settings: result.settings,
    amo,
    statuses: new StatusDirectory({ runner: amo, cache: ports.cache, logger: ports.logger }),
    startedAt,
    workDeadline: startedAt + (options.workBudgetMs ?? SAFE_WORK_MS),
    flow: options.flow,
    log: new SyncLog(ports.spreadsheet, ports.clock, ports.props),
    lang: uiLanguage(ports.spreadsheet, ports.props),
  };
}
