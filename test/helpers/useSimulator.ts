/**
 * One simulator per test file: started before the tests, reset before each (which also puts its
 * options back to `options`, undoing what a test configured), closed after them.
 */
import { startSimulator } from '../simulator';
import type { Simulator, SimulatorOptions } from '../simulator';

/**
 * Returns a handle that always points at this file's simulator, so tests can use it
 * like the simulator itself.
 */
export function useSimulator(options: SimulatorOptions): Simulator {
	let sim: Simulator | undefined;
	const current = () => {
		if (!sim) throw new Error('the simulator is not started yet: use it inside a test or hook');
		return sim;
	};
	beforeAll(async () => {
		sim = await startSimulator(options);
	});
	afterAll(async () => await sim?.close());
	beforeEach(() => {
		current().reset();
	});
	return new Proxy({} as Simulator, {
		get(_target, property) {
			const target = current();
			const value = Reflect.get(target, property, target) as unknown;
			return typeof value === 'function' ? value.bind(target) : value;
		},
		set(_target, property, value) {
			return Reflect.set(current(), property, value);
		},
	});
}
