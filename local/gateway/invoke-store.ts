import { AsyncLocalStorage } from 'node:async_hooks';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';

type InvocationContext = Record<string | symbol, unknown>;

/**
 * The local gateway runs every route's handler in this one process, concurrently, much as a
 * Lambda runtime with several concurrent invocations does. Powertools keeps per-invocation
 * state (the Lambda context a log line names: function_name, request id) in the runtime's
 * invoke store; without one, a single shared slot, so concurrent requests of different routes
 * would log each other's function name. This store gives each invocation its own context
 * (AsyncLocalStorage), and outside any invocation (module initialisation, the stream poller,
 * tests calling a handler directly) one shared context, as a single-invocation runtime has.
 */
class LocalInvokeStore extends InvokeStoreBase {
  readonly #invocations = new AsyncLocalStorage<InvocationContext>();
  readonly #outside: InvocationContext = {};

  getContext(): InvocationContext {
    return this.#invocations.getStore() ?? this.#outside;
  }
  hasContext(): boolean {
    return true;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.getContext()[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    this.getContext()[key] = value;
  }
  run<T>(context: InvocationContext, fn: () => T): T {
    return this.#invocations.run(context, fn);
  }
}

let installed: LocalInvokeStore | undefined;

/**
 * Installs the store where Powertools looks for it, and tells Powertools (through the
 * runtime's own variable) that invocations may overlap. Idempotent.
 */
export function localInvokeStore(): LocalInvokeStore {
  if (installed === undefined) {
    installed = new LocalInvokeStore();
    const global = globalThis as { awslambda?: { InvokeStore?: unknown } };
    global.awslambda ??= {};
    global.awslambda.InvokeStore = installed;
    process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
  }
  return installed;
}

/** Calls a handler as one invocation, with its own context carrying its request id. */
export function asInvocation<T>(requestId: string, fn: () => T): T {
  return localInvokeStore().run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId }, fn);
}
