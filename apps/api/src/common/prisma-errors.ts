/** A Prisma known-request error with this code (P2002 unique violation, P2025 record not found...). */
export function isPrismaError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** The result of an update or delete by id, or null when the row is gone (P2025). */
export async function orNullIfMissing<T>(operation: Promise<T>): Promise<T | null> {
  try {
    return await operation;
  } catch (error) {
    if (isPrismaError(error, 'P2025')) return null;
    throw error;
  }
}

