/**
 * The payload encryption keys of every test platform and of the worker processes tests start:
 * one fixed ring, so a worker in a child process reads what the test's client wrote. A test key,
 * not a secret (it protects nothing but throw-away test histories).
 */
export const TEST_PAYLOAD_KEYS = 'test-current:dGVzdC1wYXlsb2FkLWtleS1ub3QtYS1zZWNyZXQtMzI=';
