import { dialectOfAnswer } from '../contract/dialect-evidence.js';
import { defaultDialect, type Dialect } from '../contract/dialects.js';
import { validateResponse, type Violation } from '../contract/index.js';
import { forcedStatus } from './drift.js';
import type { Exchange } from './exchange.js';
import type { Target } from './target.js';

/**
 * The dialect an answer is judged in: the one the target promises, else the one the answer itself
 * shows (`running` is fine from a docs-pages gateway; whether every answer shows the same dialect is
 * `speaks_one_dialect`'s to say).
 */
export function judgingDialect(target: Pick<Target, 'dialect'>, exchange: Exchange): Dialect {
  if (target.dialect !== null) return target.dialect;
  const response = exchange.response;
  if (response === null) return defaultDialect;
  return dialectOfAnswer({ operationId: exchange.operationId, status: response.status, headers: response.headers, body: response.body, forced: forcedStatus(exchange) });
}

/** The contract's violations of an exchange's answer, in the dialect it is judged in. */
export function answerViolations(target: Pick<Target, 'dialect'>, exchange: Exchange, operationId: string): Violation[] {
  const response = exchange.response;
  if (response === null) return [];
  return validateResponse(operationId, response.status, response.headers, response.body, judgingDialect(target, exchange));
}
