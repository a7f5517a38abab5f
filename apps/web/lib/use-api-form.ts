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
export interface ApiFormOptions {
  /** Fields the form shows; an API error on any other path becomes the form's message. */
  fields?: readonly string[];
  /** A form's own reading of an error (e.g. EMAIL_TAKEN on the email field), before the generic one. */
  describe?(error: unknown): { fields?: FieldErrors; message?: string } | undefined;
}

export function useApiForm(fallbackMessage: string, options: ApiFormOptions = {}) {
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
      const own = options.describe?.(error);
      if (own !== undefined) {
        if (own.fields) setErrors(own.fields);
        if (own.message !== undefined) setFormError(own.message);
      } else if (error instanceof ApiRequestError && Object.keys(error.fieldErrors).length > 0) {
        setErrors(error.fieldErrors);
        const other = options.fields === undefined ? undefined : Object.keys(error.fieldErrors).find((path) => !options.fields!.includes(path));
        if (other !== undefined) setFormError(error.fieldErrors[other] ?? error.message);
      } else {
        setFormError(error instanceof Error ? error.message : fallbackMessage);
      }
      return false;
    } finally {
      setPending(false);
    }
  }

  return { errors, setErrors, formError, pending, submit };
}
