import { describe, expect, expectTypeOf, it } from 'vitest';
import { CODEC_LABELS, type DestinationState, type FailureReason, destinationStateSchema, failureReasonSchema } from '@fanout/contracts';
import { DESTINATION_STATUSES, type DestinationStatus, FAILURE_REASONS, type FailureReason as EngineFailureReason, VIDEO_CODEC_LABELS } from '@fanout/restream';

/**
 * The engine may not import contracts (it is framework-free and knows nothing of the API), so
 * the two spellings of the shared vocabularies are tied together here, where both are known:
 * a state or reason added on one side only fails the build.
 */
describe('engine and contract vocabularies', () => {
  it('have the same destination states', () => {
    expectTypeOf<DestinationStatus>().toEqualTypeOf<DestinationState>();
    expect([...DESTINATION_STATUSES].sort()).toEqual([...destinationStateSchema.options].sort());
  });

  it('have the same failure reasons, plus the coarse one members see instead of the detail', () => {
    expectTypeOf<FailureReason>().toEqualTypeOf<EngineFailureReason | 'unreachable'>();
    expect([...failureReasonSchema.options].sort()).toEqual([...FAILURE_REASONS, 'unreachable'].sort());
  });

  it('label codecs the same way in the engine\'s warnings and the dashboard', () => {
    for (const [codec, label] of Object.entries(VIDEO_CODEC_LABELS)) expect(CODEC_LABELS[codec], codec).toBe(label);
  });
});
