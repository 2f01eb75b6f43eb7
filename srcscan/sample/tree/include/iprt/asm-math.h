/* $Id: asm-math.h $ */
/** @file
 * IPRT - Assembly routines for 64-bit math (srcscan sample tree).
 *
 * Portable C versions; the real header uses inline assembly where it can.
 */

#ifndef IPRT_INCLUDED_asm_math_h
#define IPRT_INCLUDED_asm_math_h

#include <iprt/types.h>

/**
 * Divides a 64-bit value by a 32-bit divisor and truncates the quotient
 * to 32 bits.
 *
 * @returns u64 / u32, low 32 bits.
 * @param   u64     The dividend.
 * @param   u32     The divisor.
 */
DECLINLINE(uint32_t) ASMDivU64ByU32RetU32(uint64_t u64, uint32_t u32)
{
    return (uint32_t)(u64 / u32);
}

/**
 * Computes u64A * u32B / u32C with a 96-bit intermediate so that the
 * product does not overflow.
 *
 * @returns The 64-bit quotient.
 * @param   u64A    The 64-bit factor.
 * @param   u32B    The 32-bit factor.
 * @param   u32C    The 32-bit divisor.
 */
DECLINLINE(uint64_t) ASMMultU64ByU32DivByU32(uint64_t u64A, uint32_t u32B, uint32_t u32C)
{
    /* Split the 64-bit factor so each partial product fits in 64 bits. */
    uint64_t const u64Hi  = (u64A >> 32) * u32B;
    uint64_t const u64Lo  = (u64A & UINT32_MAX) * u32B;
    uint64_t const u64Mid = u64Hi + (u64Lo >> 32);

    uint64_t const uQuotHi = u64Mid / u32C;
    uint64_t const uRemHi  = u64Mid % u32C;
    uint64_t const uQuotLo = ((uRemHi << 32) | (u64Lo & UINT32_MAX)) / u32C;
    return (uQuotHi << 32) + uQuotLo;
}

#endif /* !IPRT_INCLUDED_asm_math_h */
