/* Internal to the runtime: integer names and the bits of float and double (softfloat.c, int64.c,
 * math.c, format.c). */
#ifndef HIMAX_BITS_H
#define HIMAX_BITS_H

#include <stdint.h>
#include <string.h>

typedef uint64_t u64;
typedef int64_t i64;
typedef uint32_t u32;
typedef int32_t i32;

/* to_type name(from_type v): the same bits seen as another type (memcpy: no aliasing issue, and
 * GCC turns it into register moves) */
#define HIMAX_BIT_CAST(name, from_type, to_type) \
    static inline to_type name(from_type v) { to_type r; memcpy(&r, &v, sizeof r); return r; }

HIMAX_BIT_CAST(bits64, double, u64)
HIMAX_BIT_CAST(from64, u64, double)
HIMAX_BIT_CAST(bits32, float, u32)
HIMAX_BIT_CAST(from32, u32, float)

#endif
