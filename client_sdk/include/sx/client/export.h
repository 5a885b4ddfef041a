// SX_CLIENT_EXPORT marks what the SDK's shared library (libsxclient) offers
// to programs that link it: the client interfaces, their Connect* factories
// and the free functions of the public headers. The value types (plain
// structs without out-of-line members) need no mark.
//
// The library is built with default visibility today, so the mark changes
// nothing yet; it is there so that the library can later be built with
// -fvisibility=hidden, keeping gRPC, protobuf and the SDK's internals out of
// its dynamic symbol table, without touching the public headers again.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define SX_CLIENT_EXPORT __attribute__((visibility("default")))
#else
#define SX_CLIENT_EXPORT
#endif
