/* $Id: tm.h $ */
/** @file
 * TM - Time Manager API (srcscan sample tree).
 */

#ifndef VBOX_INCLUDED_vmm_tm_h
#define VBOX_INCLUDED_vmm_tm_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/** Frequency of the virtual clock (nanoseconds). */
#define TMCLOCK_FREQ_VIRTUAL    UINT64_C(1000000000)
/** Frequency of the real clock (milliseconds). */
#define TMCLOCK_FREQ_REAL       UINT64_C(1000)

/** @name All contexts
 * @{ */
VMMDECL(uint64_t)       TMCpuTicksPerSecond(PVMCC pVM);
VMM_INT_DECL(uint64_t)  TMCpuTicksToNano(PVMCC pVM, uint64_t cTicks);
VMMDECL(uint64_t)       TMCpuTickGet(PVMCPUCC pVCpu);
VMM_INT_DECL(uint64_t)  TMCpuTickGetNoCheck(PVMCPUCC pVCpu);
/** @} */

/** @name Ring-3 only
 * @{ */
VMMR3_INT_DECL(int)     TMR3Init(PVM pVM);
VMMR3_INT_DECL(int)     TMR3CpuTickParavirtEnable(PVM pVM);
VMMR3_INT_DECL(int)     TMR3CpuTickParavirtDisable(PVM pVM);
VMMR3_INT_DECL(bool)    TMR3CpuTickIsFixedRateMonotonic(PVM pVM, bool fWithParavirtEnabled);
VMMR3DECL(PRTTIMESPEC)  TMR3UtcNow(PVM pVM, PRTTIMESPEC pTime);
/** @} */

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_vmm_tm_h */
