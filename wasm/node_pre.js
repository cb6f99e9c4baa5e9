// Prepended to the Node builds only. Node 18+ defines fetch(), and Emscripten
// 3.1.6 then tries to fetch() the .wasm by file path, which fails; hiding it
// inside the module makes the runtime read the file from disk instead.
var fetch = undefined;
