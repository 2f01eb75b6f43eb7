/* $Id: thread.h $ */
/** @file
 * IPRT - Threads (srcscan sample tree).
 */

#ifndef IPRT_INCLUDED_thread_h
#define IPRT_INCLUDED_thread_h

#include <iprt/types.h>

RT_C_DECLS_BEGIN

/** Puts the calling thread to sleep for at least cMillies milliseconds. */
RTDECL(int) RTThreadSleep(uint32_t cMillies);

RT_C_DECLS_END

#endif /* !IPRT_INCLUDED_thread_h */
