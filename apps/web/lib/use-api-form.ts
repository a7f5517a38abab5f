'use client';

import { toFieldErrors } from '@fanout/contracts';
import { useState } from 'react';
import type { ZodError } from 'zod';
import { ApiRequestError, toFieldErrorMap, type FieldErrors } from './api';

type Parsed<T> = { success: true; data: T } | { success: false; error: ZodError };

/**
 * The submit dance of a dashboard form in one place: schema errors shown per field without a
 * request, then `pending` while the call runs, the API's field errors on their fields, and any
 * other failure as one message. `submit` resolves true when `action` succeeded.
 */
export function useApiForm(fallbackMessage: string) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit<T>(parsed: Parsed<T>, action: (data: T) => Promise<void>): Promise<boolean> {
    setFormError(null);
    if (!parsed.success) {
      setErrors(toFieldErrorMap(toFieldErrors(parsed.error)));
      return false;
    }
    setErrors({});
    setPending(true);
    try {
      await action(parsed.data);
      return true;
    } catch (error) {
      if (error instanceof ApiRequestError && Object.keys(error.fieldErrors).length > 0) setErrors(error.fieldErrors);
      else setFormError(error instanceof Error ? error.message : fallbackMessage);
      return false;
    } finally {
      setPending(false);
    }
  }

  return { errors, setErrors, formError, pending, submit };
}
