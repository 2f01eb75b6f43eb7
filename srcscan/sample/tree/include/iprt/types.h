/* $Id: types.h $ */
/** @file
 * IPRT - Basic types (srcscan sample tree).
 */

#ifndef IPRT_INCLUDED_types_h
#define IPRT_INCLUDED_types_h

#include <iprt/cdefs.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#ifndef __cplusplus
# include <stdbool.h>
#endif

RT_C_DECLS_BEGIN

/** Guest physical address. */
typedef uint64_t            RTGCPHYS;
/** Pointer to a guest physical address. */
typedef RTGCPHYS           *PRTGCPHYS;
/** Nil guest physical address. */
#define NIL_RTGCPHYS        (~(RTGCPHYS)0)

/** Host CPU identifier. */
typedef uint32_t            RTCPUID;

/** A point in time, nanoseconds since the Unix epoch. */
typedef struct RTTIMESPEC
{
    int64_t                 i64NanosecondsRelativeToUnixEpoch;
} RTTIMESPEC;
/** Pointer to a time spec. */
typedef RTTIMESPEC         *PRTTIMESPEC;

RT_C_DECLS_END

#endif /* !IPRT_INCLUDED_types_h */
