/**
 * A test double that implements only what a test gives it: calling any other member throws,
 * naming it, so a service cannot quietly depend on something the test did not expect.
 */
export function strictFake<T extends object>(name: string, implementation: Partial<T>): T {
  return new Proxy(implementation, {
    get(target, property, receiver) {
      if (property in target) return Reflect.get(target, property, receiver);
      if (property === 'then' || typeof property === 'symbol') return undefined; // not a thenable; inspection
      throw new Error(`${name}.${String(property)} was not expected in this test`);
    },
  }) as T;
}

/** A clock the test moves by hand. */
export class FakeClock {
  constructor(private time = Date.parse('2026-11-21T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
