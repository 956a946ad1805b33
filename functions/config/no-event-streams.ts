/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles (an esbuild alias,
 * lib/bundle-options.ts). Event streams are the SDK's framing for operations that stream
 * events (S3 SelectObjectContent, Kinesis SubscribeToShard and the like); no operation the
 * functions call has one (test/unit/sdk-event-streams.test.ts checks every command they
 * import). The SDK's protocol code still reaches the module through a dynamic `import()`, so
 * esbuild bundled all of it, about 19 KB, and wrapped every SDK module it shares in a lazy
 * initializer: about 10 ms of CPU at every cold import (README, design decisions, "Cold
 * start"). The local service and the tests run the sources, with the real module.
 *
 * What the clients call while they are built behaves as the real module does (S3's client
 * resolves a marshaller when it is created); anything that would frame an event stream throws.
 */
const NOT_BUNDLED = 'Event streams are not bundled (functions/config/no-event-streams.ts): remove the alias to call this operation';

function notBundled(): never {
  throw new Error(NOT_BUNDLED);
}

export const eventStreamSerdeProvider = () => ({ serialize: notBundled, deserialize: notBundled });

export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(input: T) =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

export class EventStreamSerde {
  constructor() {
    notBundled();
  }
}
