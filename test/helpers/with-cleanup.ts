// The try/finally of a fixture, once: run a body on a started thing, then always its cleanup().

/**
 * Runs the body with the resource and always calls its cleanup() after, whatever the body
 * throws. Returns the body's value. When both fail, the body's error is the one thrown (the
 * test's own failure); a cleanup that fails after a body that passed fails the call.
 */
export async function withCleanup<R extends { cleanup(): unknown }, T>(resource: R, body: (resource: R) => T | Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await body(resource);
  } catch (error) {
    await Promise.resolve()
      .then(() => resource.cleanup())
      .catch(() => undefined);
    throw error;
  }
  await resource.cleanup();
  return result;
}
