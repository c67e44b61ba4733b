/**
 * The failure type of an activity that met data no retry can fix (a value out of range, text the
 * database refuses, a statement too deep to plan). Shared by the worker, which raises it
 * non-retryable, and by every workflow retry policy, which lists it, so the two never disagree.
 */
export const BAD_DATA_FAILURE = 'invalid_data';
