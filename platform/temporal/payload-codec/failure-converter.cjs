/* global require, exports */
// Temporal loads a failure converter by path (DataConverter.failureConverterPath): in the worker,
// in its workflow bundle (webpack) and in clients. CommonJS, so plain Node and webpack both load
// it without a TypeScript loader.
//
// encodeCommonAttributes moves a failure's message and stack trace into a payload, which the
// payload codec then encrypts: error texts (which may quote inputs) and server file paths stay
// out of histories. Decoding needs no option: every default converter reads encoded attributes.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose, see above
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
