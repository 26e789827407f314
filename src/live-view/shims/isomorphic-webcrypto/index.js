// The browser's own Web Crypto (a secure context: https, or http://127.0.0.1 in the tests).
module.exports = globalThis.crypto;
