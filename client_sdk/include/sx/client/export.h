// SX_CLIENT_EXPORT marks what the SDK's shared library (libsxclient) offers
// to programs that link it: the client interfaces, their Connect* factories
// and the free functions of the public headers. The value types (plain
// structs without out-of-line members) need no mark.
//
// The library is built with -fvisibility=hidden, so anything public without
// the mark would be missing at link time; that keeps gRPC, protobuf and the
// SDK's internals out of its dynamic symbol table.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define SX_CLIENT_EXPORT __attribute__((visibility("default")))
#else
#define SX_CLIENT_EXPORT
#endif
