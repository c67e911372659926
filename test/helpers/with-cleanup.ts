// The try/finally of a fixture, once: run a body on a started thing, then always its cleanup().

/** Runs the body with the resource and always calls its cleanup() after, whatever the body throws. Returns the body's value. */
export async function withCleanup<R extends { cleanup(): unknown }, T>(resource: R, body: (resource: R) => T | Promise<T>): Promise<T> {
  try {
    return await body(resource);
  } finally {
    await resource.cleanup();
  }
}
