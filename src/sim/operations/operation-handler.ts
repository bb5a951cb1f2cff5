import type { SimResponse } from '../exchange.js';
import type { RequestContext } from '../request-context.js';

/** Answers one operation; the front door has checked auth, limits and faults already. */
export type OperationHandler = (ctx: RequestContext, pathParams: Readonly<Record<string, string>>) => Promise<SimResponse>;

export const shorten = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);
