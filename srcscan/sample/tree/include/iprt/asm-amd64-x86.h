/* $Id: asm-amd64-x86.h $ */
/** @file
 * IPRT - x86/AMD64 specific instructions (srcscan sample tree).
 */

#ifndef IPRT_INCLUDED_asm_amd64_x86_h
#define IPRT_INCLUDED_asm_amd64_x86_h

#include <iprt/types.h>

/**
 * Reads the time-stamp counter (RDTSC).
 *
 * @returns The current TSC value of the CPU we are running on.
 */
DECLINLINE(uint64_t) ASMReadTSC(void)
{
    return __builtin_ia32_rdtsc();
}

#endif /* !IPRT_INCLUDED_asm_amd64_x86_h */
