/* $Id: time.h $ */
/** @file
 * IPRT - Time (srcscan sample tree).
 */

#ifndef IPRT_INCLUDED_time_h
#define IPRT_INCLUDED_time_h

#include <iprt/types.h>

RT_C_DECLS_BEGIN

/** Monotonic host time in nanoseconds. */
RTDECL(uint64_t) RTTimeNanoTS(void);

/** Splits a time spec into whole seconds and the nanosecond remainder. */
RTDECL(void) RTTimeSpecGetSecondsAndNano(PRTTIMESPEC pTime, int32_t *piSeconds, int32_t *piNanoseconds);

RT_C_DECLS_END

#endif /* !IPRT_INCLUDED_time_h */
