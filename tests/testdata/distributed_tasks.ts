// Task functions that the distributed tests send by reference (module URL and export name).

/** Three times `x`, by way of a module constant: only runnable by reference. */
export function triple(x: number): number {
  return x * RATE;
}

const RATE = 3;
