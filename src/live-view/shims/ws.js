// The SDK falls back to the `ws` package only where there is no WebSocket; a browser has one.
module.exports = globalThis.WebSocket;
