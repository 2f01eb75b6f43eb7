/* $Id: mp.h $ */
/** @file
 * IPRT - Multiprocessor (srcscan sample tree).
 */

#ifndef IPRT_INCLUDED_mp_h
#define IPRT_INCLUDED_mp_h

#include <iprt/types.h>

RT_C_DECLS_BEGIN

/** Identifier of the host CPU the caller is currently running on. */
RTDECL(RTCPUID) RTMpCpuId(void);

/** Maps a host CPU identifier to its index in a CPU set, -1 if unknown. */
RTDECL(int) RTMpCpuIdToSetIndex(RTCPUID idCpu);

RT_C_DECLS_END

#endif /* !IPRT_INCLUDED_mp_h */
