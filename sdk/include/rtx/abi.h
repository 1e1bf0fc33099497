/*
 * rtx/abi.h — ABI version, calling convention, export and layout-freezing macros.
 *
 * Part of the RTX plugin ABI v1 (the contract between the RTX host and its plugins).
 * Versioning promise: within major 1, structs only grow at their end, no field is
 * reordered, retyped or removed, and every struct that crosses the boundary starts with
 * its own size. A host of minor N loads plugins built against minors 0..N; a plugin built
 * against a newer minor than the host is refused with a message naming both versions.
 * A new major gets a new entry symbol (rtx_plugin_entry_v2) so both can coexist.
 */
#ifndef RTX_ABI_H
#define RTX_ABI_H

#include <stddef.h>
#include <stdint.h>

/** ABI major version. Part of the entry symbol's name. */
#define RTX_ABI_VERSION_MAJOR 1
/** ABI minor version of these headers. See sdk/README.md "Versioning" for the changelog. */
#define RTX_ABI_VERSION_MINOR 1

/** Calling convention of every function pointer in the ABI (empty on Linux; declared from day one). */
#define RTX_ABI

#if defined(__cplusplus)
#define RTX_EXTERN_C_BEGIN extern "C" {
#define RTX_EXTERN_C_END }
#else
#define RTX_EXTERN_C_BEGIN
#define RTX_EXTERN_C_END
#endif

/** Marks the one symbol a plugin exports. Build plugins with -fvisibility=hidden where possible. */
#if defined(__GNUC__) || defined(__clang__)
#define RTX_EXPORT __attribute__((visibility("default")))
#else
#define RTX_EXPORT
#endif

/** Compile-time assertion usable at file scope in C11 and C++11 and later. */
#if defined(__cplusplus)
#define RTX_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define RTX_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/** Freezes a struct's layout: its size and the offset of its last field, on LP64 Linux. */
#define RTX_FREEZE_SIZE(type, bytes) \
    RTX_STATIC_ASSERT(sizeof(type) == (bytes), "RTX ABI layout of " #type " changed: sizes are frozen")
#define RTX_FREEZE_OFFSET(type, field, bytes) \
    RTX_STATIC_ASSERT(offsetof(type, field) == (bytes), "RTX ABI offset of " #type "." #field " changed")

RTX_STATIC_ASSERT(sizeof(void *) == 8, "RTX ABI v1 is defined for 64-bit platforms (LP64)");
RTX_STATIC_ASSERT(sizeof(size_t) == 8, "RTX ABI v1 needs a 64-bit size_t");

#define RTX_STRINGIFY_(x) #x
#define RTX_STRINGIFY(x) RTX_STRINGIFY_(x)

/**
 * Build fingerprint: the settings that change the meaning of bytes crossing the boundary
 * (pointer size, byte order, fixed-point scales). The host compares it byte for byte with its
 * own and refuses a plugin whose fingerprint differs.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RTX_BUILD_FINGERPRINT "rtx1;lp64;be;volume=1e-8lot;money=1e-8;ratio=1e-6"
#else
#define RTX_BUILD_FINGERPRINT "rtx1;lp64;le;volume=1e-8lot;money=1e-8;ratio=1e-6"
#endif

/** Toolchain string for plugins written in C or C++; Swift plugins report their Swift toolchain. */
#if defined(__clang__)
#define RTX_TOOLCHAIN_C "clang " __clang_version__
#elif defined(__GNUC__)
#define RTX_TOOLCHAIN_C "gcc " __VERSION__
#else
#define RTX_TOOLCHAIN_C "c (unknown compiler)"
#endif

#endif /* RTX_ABI_H */
