/** Shared by the request budget's unit tests. */

/** A deadline none of them reaches. */
export const far = () => Date.now() + 60_000;

/** The budget's random source, fixed at zero: no first-burst hold-back and no spread after a pause. */
export const noJitter = () => 0;
