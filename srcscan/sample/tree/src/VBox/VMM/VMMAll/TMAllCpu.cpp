/* $Id: TMAllCpu.cpp $ */
/** @file
 * TM - Time Manager, CPU tick queries for all contexts (srcscan sample tree).
 */


/*********************************************************************************************************************************
*   Header Files                                                                                                                 *
*********************************************************************************************************************************/
#define LOG_GROUP LOG_GROUP_TM
#include <VBox/vmm/tm.h>
#include <VBox/vmm/vmm.h>
#include "TMInternal.h"
#include <VBox/vmm/vm.h>
#include <VBox/sup.h>
#include <iprt/asm-math.h>
#include <iprt/mp.h>


/**
 * Gets the frequency of the TSC the guest sees.
 *
 * In real TSC offset mode the guest reads the host TSC, so the answer is
 * whatever the GIP currently says for the host CPU; in all other modes it is
 * the frequency TM settled on at init or state load.
 *
 * @returns Number of ticks per second.
 * @param   pVM     The cross context VM structure.
 */
VMMDECL(uint64_t) TMCpuTicksPerSecond(PVMCC pVM)
{
    if (pVM->tm.s.enmTSCMode == TMTSCMODE_REAL_TSC_OFFSET)
    {
        PSUPGLOBALINFOPAGE const pGip = g_pSUPGlobalInfoPage;
        if (pGip && pGip->u32Mode != SUPGIPMODE_INVARIANT_TSC)
        {
            /* Each context has its own way of knowing which host CPU it is on. */
#ifdef IN_RING3
            uint64_t cTSCTicksPerSecond = SUPGetCpuHzFromGip(pGip);
#elif defined(IN_RING0)
            uint64_t cTSCTicksPerSecond = SUPGetCpuHzFromGipBySetIndex(pGip, (uint32_t)RTMpCpuIdToSetIndex(RTMpCpuId()));
#else
            uint64_t cTSCTicksPerSecond = SUPGetCpuHzFromGipBySetIndex(pGip, VMMGetCpu(pVM)->iHostCpuSet);
#endif
            if (RT_LIKELY(cTSCTicksPerSecond != ~(uint64_t)0))
                return cTSCTicksPerSecond;
        }
    }
    return pVM->tm.s.cTSCTicksPerSecond;
}


/**
 * Converts a number of guest TSC ticks to nanoseconds.
 *
 * @returns Nanoseconds.
 * @param   pVM     The cross context VM structure.
 * @param   cTicks  The tick count to convert.
 */
VMM_INT_DECL(uint64_t) TMCpuTicksToNano(PVMCC pVM, uint64_t cTicks)
{
    uint64_t const uCpuHz = TMCpuTicksPerSecond(pVM);
    if (RT_LIKELY(uCpuHz <= UINT32_MAX))
        return ASMMultU64ByU32DivByU32(cTicks, RT_NS_1SEC, (uint32_t)uCpuHz);
    /* Above 4 GHz: go through ticks per microsecond, losing a little precision. */
    uint64_t const cTicksPerUs = uCpuHz / UINT64_C(1000000);
    return cTicks / cTicksPerUs * UINT64_C(1000);
}
