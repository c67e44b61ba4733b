/** The provider emulator marks every response; real providers never send this header. */
export const SIMULATED_HEADER = 'x-soma-simulated';

export function isSimulatedResponse(headers: Headers): boolean {
  return headers.get(SIMULATED_HEADER) === 'true';
}
